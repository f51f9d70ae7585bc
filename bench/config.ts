/**
 * Sizes and repetitions of the bench, read from the environment so a quick run (BENCH_QUICK=1)
 * can check the machinery in a minute or two while the default run produces figures worth keeping.
 */
export interface BenchConfig {
  /** True when BENCH_QUICK=1: figures are then only a smoke test, not results to commit. */
  readonly quick: boolean;
  /** Repetitions per figure; every figure is the median of these, with min and max. */
  readonly reps: number;
  /** Scenario numbers to run (BENCH_ONLY=1,3); all by default. */
  readonly only: ReadonlySet<number> | undefined;
  readonly stubbornWorkers: number;
  /** Grace period between SIGTERM and SIGKILL for the stubborn groups, the same for both tools. */
  readonly stubbornGraceMs: number;
  readonly startWorkers: number;
  readonly floodWorkers: number;
  readonly floodBytesPerWorker: number;
  readonly floodLineBytes: number;
  readonly idleWorkers: number;
  readonly idleSeconds: number;
  /** The idle period is cut into this many equal windows: their CPU figures are the repetitions. */
  readonly idleWindows: number;
  /** Smaller worker counts whose timers and handles are compared with `idleWorkers`'. */
  readonly idleCompareWorkers: readonly number[];
  readonly idleCompareSeconds: number;
  readonly sweepEntries: number;
  /** Entries whose process is killed before each repetition, so one sweep has something to remove. */
  readonly sweepDeadPerRep: number;
  /** Sweeps per repetition of the contention scenario (one removes dead entries, the rest find none). */
  readonly sweepsPerRep: number;
  /** Deltas the agent streams, and their spacing, while status queries are timed (scenario 6a). */
  readonly statusDeltas: number;
  readonly statusDeltaDelayMs: number;
  /** Stream events sent as fast as possible to time the agent-to-webview path (scenario 6b). */
  readonly sessionEvents: number;
}

function intFromEnv(name: string, fallback: number, minimum = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`${name} must be an integer of at least ${minimum}, got "${raw}"`);
  }
  return value;
}

function parseOnly(raw: string | undefined): ReadonlySet<number> | undefined {
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const numbers = raw.split(',').map((part) => Number(part.trim()));
  // Which numbers name a scenario is run.ts's to check: the list grows (10 is ACP).
  if (numbers.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`BENCH_ONLY must list scenario numbers (1, 2, …), got "${raw}"`);
  }
  return new Set(numbers);
}

const MIB = 1024 * 1024;

export function readConfig(): BenchConfig {
  const quick = process.env.BENCH_QUICK === '1';
  return {
    quick,
    // Three in a quick run still give a median; the real run keeps the five the figures promise.
    reps: intFromEnv('BENCH_REPS', quick ? 3 : 5),
    only: parseOnly(process.env.BENCH_ONLY),
    stubbornWorkers: intFromEnv('BENCH_STUBBORN_WORKERS', quick ? 10 : 50),
    stubbornGraceMs: intFromEnv('BENCH_GRACE_MS', 1_600),
    startWorkers: intFromEnv('BENCH_START_WORKERS', quick ? 10 : 50),
    floodWorkers: intFromEnv('BENCH_FLOOD_WORKERS', 10),
    floodBytesPerWorker: intFromEnv('BENCH_FLOOD_MIB', quick ? 2 : 10) * MIB,
    floodLineBytes: intFromEnv('BENCH_FLOOD_LINE_BYTES', 1_024),
    idleWorkers: intFromEnv('BENCH_IDLE_WORKERS', quick ? 50 : 200),
    idleSeconds: intFromEnv('BENCH_IDLE_SECONDS', quick ? 5 : 60),
    idleWindows: intFromEnv('BENCH_IDLE_WINDOWS', quick ? 5 : 6),
    idleCompareWorkers: [0, 20],
    idleCompareSeconds: intFromEnv('BENCH_IDLE_COMPARE_SECONDS', quick ? 3 : 15),
    sweepEntries: intFromEnv('BENCH_SWEEP_ENTRIES', 128),
    sweepDeadPerRep: intFromEnv('BENCH_SWEEP_DEAD', 32, 0),
    sweepsPerRep: intFromEnv('BENCH_SWEEPS_PER_REP', quick ? 50 : 200),
    statusDeltas: intFromEnv('BENCH_STATUS_DELTAS', quick ? 100 : 400),
    statusDeltaDelayMs: intFromEnv('BENCH_STATUS_DELTA_DELAY_MS', 5),
    sessionEvents: intFromEnv('BENCH_SESSION_EVENTS', quick ? 2_000 : 10_000),
  };
}
