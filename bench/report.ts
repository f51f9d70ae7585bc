import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BenchConfig } from './config';
import { Summary } from './stats';

/** A target from the brief, and whether this run met it. */
export interface Goal {
  readonly text: string;
  readonly met: boolean;
  /**
   * Set when a missed goal cannot be judged on this machine: the same measurement with nothing of
   * Shepherd running already exceeds it (scheduler noise of a shared VM). Shown as ⚠️.
   */
  readonly inconclusive?: string;
}

/** A goal on a latency whose noise floor was measured too: a miss below that floor is inconclusive. */
export function latencyGoal(text: string, limitMs: number, measuredMs: number, noiseFloorMs: number): Goal {
  const met = measuredMs < limitMs;
  return !met && noiseFloorMs >= limitMs
    ? {
        text,
        met,
        inconclusive: `the noise floor (${noiseFloorMs.toFixed(2)} ms with nothing running) is already above the goal`,
      }
    : { text, met };
}

/** One line of the results table. Cells hold a summary of repetitions, or a short text. */
export interface Row {
  readonly metric: string;
  readonly shepherd?: Summary | string;
  readonly pm2?: Summary | string;
  /** Shepherd ÷ pm2, computed repetition by repetition (see pairwiseRatio). */
  readonly ratio?: Summary;
  readonly goals?: readonly Goal[];
}

export interface ScenarioReport {
  readonly number: number;
  readonly title: string;
  readonly rows: readonly Row[];
  /** How the figures were obtained, in words, for the reader of the table. */
  readonly notes: readonly string[];
  /** Warnings and errors of the core or of pm2's cleanup while the scenario ran. */
  readonly problems: readonly string[];
  /** Marked processes still alive once the scenario had cleaned up (they were then killed). */
  readonly leftoverProcesses: number;
  readonly durationS: number;
  /** Set when the scenario could not finish; its rows are then whatever it had measured. */
  readonly error?: string;
  /** Per-repetition details for the JSON file. */
  readonly details?: unknown;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGB: number;
  };
  /** The configuration, with the scenario filter as a plain list (a Set does not survive JSON). */
  readonly config: Omit<BenchConfig, 'only'> & { readonly only: readonly number[] | null };
  readonly scenarios: readonly ScenarioReport[];
  /** Marked processes found (and killed) after every scenario had run; must be 0. */
  readonly finalLeftoverProcesses: number;
}

function number(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) {
    return value.toFixed(0);
  }
  if (abs >= 10) {
    return value.toFixed(1);
  }
  if (abs >= 1) {
    return value.toFixed(2);
  }
  return value.toFixed(3);
}

function cell(value: Summary | string | undefined): string {
  if (value === undefined) {
    return '—';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (value.min === value.max) {
    return number(value.median);
  }
  return `${number(value.median)} (${number(value.min)}–${number(value.max)})`;
}

function goalCells(goals: readonly Goal[] | undefined): [string, string] {
  if (!goals || goals.length === 0) {
    return ['', ''];
  }
  return [
    goals.map((g) => g.text).join('; '),
    goals.map((g) => (g.met ? '✅' : g.inconclusive ? '⚠️' : '❌')).join(' '),
  ];
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function toMarkdown(results: BenchResults): string {
  const lines: string[] = [];
  lines.push(`# Shepherd bench${results.quick ? ' (QUICK smoke run: not figures to keep)' : ''}`);
  lines.push('');
  const m = results.machine;
  lines.push(
    `${results.startedAt} · Node ${m.node} · ${m.platform} · ${m.cpus} × ${m.cpuModel} · ${m.memoryGB} GB · ${results.config.reps} repetitions`,
  );
  lines.push('');
  lines.push(
    "Each cell: median (min–max) over the repetitions. Shepherd ÷ pm2 is computed repetition by repetition, then summarized. A goal is judged on the median, except orphans, which must be 0 in every repetition. ✅ met, ❌ missed, ⚠️ not measurable here (the machine's own noise floor is above the goal; see the notes).",
  );
  lines.push('');
  lines.push('| # | Metric | Shepherd | pm2 | Shepherd ÷ pm2 | Goal | Met |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const scenario of results.scenarios) {
    if (scenario.error && scenario.rows.length === 0) {
      lines.push(`| ${scenario.number} | ${escape(scenario.title)}: **failed** | — | — | — | | ❌ |`);
      continue;
    }
    for (const row of scenario.rows) {
      const [goal, met] = goalCells(row.goals);
      lines.push(
        `| ${scenario.number} | ${escape(row.metric)} | ${escape(cell(row.shepherd))} | ${escape(cell(row.pm2))} | ${cell(row.ratio)} | ${escape(goal)} | ${met} |`,
      );
    }
  }
  lines.push('');
  lines.push('## Notes');
  for (const scenario of results.scenarios) {
    lines.push('');
    lines.push(
      `**${scenario.number}. ${scenario.title}** (${scenario.durationS.toFixed(0)} s; marked processes left after cleanup: ${scenario.leftoverProcesses})`,
    );
    for (const note of scenario.notes) {
      lines.push(`- ${note}`);
    }
    for (const row of scenario.rows) {
      for (const goal of row.goals ?? []) {
        if (!goal.met && goal.inconclusive) {
          lines.push(`- ⚠️ ${escape(row.metric)}: ${goal.inconclusive}.`);
        }
      }
    }
    if (scenario.error) {
      lines.push(`- **Failed:** ${escape(scenario.error.split('\n')[0])}`);
    }
    if (scenario.problems.length > 0) {
      const shown = scenario.problems.slice(0, 5).map((p) => escape(p.slice(0, 300)));
      lines.push(`- Problems reported (${scenario.problems.length}): ${shown.join(' · ')}`);
    }
  }
  lines.push('');
  lines.push(`Marked processes alive at the very end of the run: ${results.finalLeftoverProcesses}.`);
  return `${lines.join('\n')}\n`;
}

export async function writeResults(dir: string, results: BenchResults): Promise<{ json: string; markdown: string }> {
  await fs.mkdir(dir, { recursive: true });
  const json = path.join(dir, 'latest.json');
  const markdown = path.join(dir, 'latest.md');
  await fs.writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  await fs.writeFile(markdown, toMarkdown(results));
  return { json, markdown };
}
