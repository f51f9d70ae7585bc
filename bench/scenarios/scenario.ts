import { BenchConfig } from '../config';
import { Pm2, Pm2CleanupReport } from '../pm2';
import { Row } from '../report';

/** What a scenario measured; the runner adds timing, leftovers and failures. */
export interface ScenarioOutcome {
  readonly rows: Row[];
  readonly notes: string[];
  readonly details?: unknown;
}

export interface Scenario {
  readonly number: number;
  readonly title: string;
  /** `problems` collects what the core or pm2's cleanup complained about; it does not fail the run. */
  run(config: BenchConfig, problems: string[]): Promise<ScenarioOutcome>;
}

/** Runs `fn` for each repetition, alternating which tool goes first so drift of the machine is shared. */
export async function forEachRep(
  reps: number,
  fn: (rep: number, shepherdFirst: boolean) => Promise<void>,
): Promise<void> {
  for (let rep = 0; rep < reps; rep++) {
    await fn(rep, rep % 2 === 0);
  }
}

function describeCleanup(report: Pm2CleanupReport): string[] {
  const found: string[] = [];
  if (report.killError) {
    found.push(`pm2 kill failed: ${report.killError}`);
  }
  if (report.daemonSurvivors > 0) {
    found.push(`${report.daemonSurvivors} pm2 daemon process(es) survived pm2 kill and were SIGKILLed`);
  }
  return found;
}

/**
 * Runs `body` with a pm2 of its own (temporary PM2_HOME, daemon started before any timing) and
 * kills that daemon afterwards in every case, success or failure.
 */
export async function withPm2<T>(problems: string[], body: (pm2: Pm2) => Promise<T>): Promise<T> {
  const pm2 = await Pm2.create();
  try {
    await pm2.startDaemon();
    return await body(pm2);
  } finally {
    problems.push(...describeCleanup(await pm2.dispose()));
  }
}
