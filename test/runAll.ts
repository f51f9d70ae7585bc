// `npm test`: every level in turn (unit in plain Node, the extension-host suite and the Playwright e2e tests in
// a real VS Code), each as its own process so one failing level does not hide the others. Prints each
// level's counts and a summary, and exits non-zero if any level failed or ran no tests.
//   node out/test/runAll.js [unit] [host] [e2e]     (default: all three)
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './harness/paths';
import { runMain } from './harness/cli';

interface Level {
  readonly name: string;
  readonly command: readonly string[];
  /** Reads "passed" and "failed" counts from the level's output. */
  readonly counts: (output: string) => { passed: number; failed: number } | undefined;
}

interface Outcome {
  readonly name: string;
  readonly exitCode: number;
  readonly passed: number;
  readonly failed: number;
  readonly seconds: number;
  /** Mocha's "N failing" section without stack frames, so the summary at the end of a CI log names what failed. */
  readonly failures: string;
}

const MAX_FAILURE_LINES = 120;

function failureSection(output: string): string {
  const start = [...output.matchAll(/^\s+\d+ failing$/gm)].at(-1)?.index;
  if (start === undefined) {
    return '';
  }
  const lines = output
    .slice(start)
    .split('\n')
    .filter((line) => !/^\s+at /.test(line) && line.trim() !== '');
  const shown = lines.slice(0, MAX_FAILURE_LINES);
  if (lines.length > shown.length) {
    shown.push(`  … ${lines.length - shown.length} more lines above in the log`);
  }
  return shown.join('\n');
}

const mochaBin = path.join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');

function lastMatch(output: string, pattern: RegExp): number | undefined {
  const matches = [...output.matchAll(pattern)];
  const last = matches.at(-1);
  return last ? Number(last[1]) : undefined;
}

function harnessCounts(prefix: string): Level['counts'] {
  return (output) => {
    const match = [...output.matchAll(new RegExp(`^${prefix}: (\\d+) passed, (\\d+) failed$`, 'gm'))].at(-1);
    return match ? { passed: Number(match[1]), failed: Number(match[2]) } : undefined;
  };
}

const LEVELS: readonly Level[] = [
  {
    name: 'unit',
    command: [mochaBin, '--config', '.mocharc.unit.json'],
    counts: (output) => {
      const passed = lastMatch(output, /^\s+(\d+) passing/gm);
      return passed === undefined ? undefined : { passed, failed: lastMatch(output, /^\s+(\d+) failing/gm) ?? 0 };
    },
  },
  {
    name: 'host',
    command: [path.join(REPO_ROOT, 'out', 'test', 'harness', 'runHostSuite.js')],
    counts: harnessCounts('host suite'),
  },
  { name: 'e2e', command: [path.join(REPO_ROOT, 'out', 'test', 'e2e', 'run.js')], counts: harnessCounts('e2e') },
];

function runLevel(level: Level): Promise<Outcome> {
  const started = Date.now();
  process.stdout.write(`\n=== ${level.name} ===\n`);
  const child = spawn(process.execPath, [...level.command], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    output += chunk.toString('utf8');
    // Only the tail is needed for the counts; keep the copy bounded.
    if (output.length > 1_000_000) {
      output = output.slice(-100_000);
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const counts = level.counts(output) ?? { passed: 0, failed: 0 };
      resolve({
        name: level.name,
        exitCode: code ?? (signal ? 128 : 1),
        ...counts,
        seconds: (Date.now() - started) / 1000,
        failures: failureSection(output),
      });
    });
  });
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !LEVELS.some((level) => level.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown level(s) ${unknown.join(', ')}; choose from ${LEVELS.map((level) => level.name).join(', ')}`,
    );
  }
  const outcomes: Outcome[] = [];
  for (const level of LEVELS.filter((candidate) => wanted.length === 0 || wanted.includes(candidate.name))) {
    outcomes.push(await runLevel(level));
  }
  process.stdout.write('\n=== summary ===\n');
  let ok = true;
  for (const outcome of outcomes) {
    const good = outcome.exitCode === 0 && outcome.failed === 0 && outcome.passed > 0;
    ok &&= good;
    process.stdout.write(
      `${good ? 'ok  ' : 'FAIL'} ${outcome.name.padEnd(5)} ${outcome.passed} passed, ${outcome.failed} failed (${outcome.seconds.toFixed(0)} s, exit ${outcome.exitCode})\n`,
    );
  }
  const total = outcomes.reduce(
    (sum, outcome) => ({ passed: sum.passed + outcome.passed, failed: sum.failed + outcome.failed }),
    { passed: 0, failed: 0 },
  );
  process.stdout.write(`total ${total.passed} passed, ${total.failed} failed\n`);
  for (const outcome of outcomes.filter((candidate) => candidate.failures !== '')) {
    process.stdout.write(`\n=== what failed in ${outcome.name} ===\n${outcome.failures}\n`);
  }
  return ok ? 0 : 1;
}

runMain('test', main);
