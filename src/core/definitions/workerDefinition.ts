import { DEFAULT_GRACE_MS } from '../process/processGroup';

export type RestartMode = 'never' | 'on-failure' | 'always';
export const RESTART_MODES: readonly RestartMode[] = ['never', 'on-failure', 'always'];

/** Where a definition came from: decides grouping in the tree and whether workspace trust applies. */
export type WorkerSource = 'settings' | 'procfile' | 'adhoc' | 'session';

export interface RestartPolicy {
  readonly mode: RestartMode;
  /** A worker that needs more restarts than this within `windowMs` is crash-looping and ends `failed`. */
  readonly maxRestarts: number;
  readonly windowMs: number;
  /** First backoff delay; it doubles per consecutive attempt up to `backoffMaxMs`. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** A worker that stayed up this long before exiting starts again from attempt one. */
  readonly minUptimeMs: number;
}

export interface WorkerDefinition {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to the extension host's environment. Values are secrets until proven otherwise: never logged. */
  readonly env: Readonly<Record<string, string>>;
  /** Run `command` through the platform shell; only when a definition asks for it. */
  readonly shell: boolean;
  readonly restart: RestartPolicy;
  /** Time between SIGTERM and SIGKILL when the worker is stopped. */
  readonly graceMs: number;
  /** Regular expressions (source text, or `/source/flags`); a match marks the worker degraded. */
  readonly healthPatterns: readonly string[];
  /** Bytes of output kept per worker; the oldest lines are dropped first. */
  readonly outputBufferBytes: number;
  /** A run that lasts longer than this is stopped and marked failed; undefined means no limit. */
  readonly maxRuntimeMs: number | undefined;
  readonly autoStart: boolean;
  readonly source: WorkerSource;
}

/** Values a definition gets for whatever it leaves out. */
export interface WorkerDefaults {
  readonly graceMs: number;
  readonly restart: RestartPolicy;
  readonly healthPatterns: readonly string[];
  readonly outputBufferBytes: number;
}

/** Five restarts a minute tells a crash loop from a flaky dependency that recovers. */
export const DEFAULT_MAX_RESTARTS = 5;
export const DEFAULT_RESTART_WINDOW_MS = 60_000;
/** One second doubling to thirty: quick recovery from a blip, no hammering of a dependency that is down. */
export const DEFAULT_BACKOFF_BASE_MS = 1_000;
export const DEFAULT_BACKOFF_MAX_MS = 30_000;
/** A worker up for ten seconds got past its start-up: a later crash is a new incident, not the same loop. */
export const DEFAULT_MIN_UPTIME_MS = 10_000;
/** Two MiB holds tens of thousands of log lines, enough to scroll back through a crash. */
export const DEFAULT_OUTPUT_BUFFER_BYTES = 2 * 1024 * 1024;
/** Lines that signal a worker alive but unwell: agents hitting quotas, runtimes out of memory. */
export const DEFAULT_HEALTH_PATTERNS: readonly string[] = ['/rate limit/i', '/out of memory/i'];

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  mode: 'on-failure',
  maxRestarts: DEFAULT_MAX_RESTARTS,
  windowMs: DEFAULT_RESTART_WINDOW_MS,
  backoffBaseMs: DEFAULT_BACKOFF_BASE_MS,
  backoffMaxMs: DEFAULT_BACKOFF_MAX_MS,
  minUptimeMs: DEFAULT_MIN_UPTIME_MS,
};

export const DEFAULT_WORKER_DEFAULTS: WorkerDefaults = {
  graceMs: DEFAULT_GRACE_MS,
  restart: DEFAULT_RESTART_POLICY,
  healthPatterns: DEFAULT_HEALTH_PATTERNS,
  outputBufferBytes: DEFAULT_OUTPUT_BUFFER_BYTES,
};

/** Parses `/source/flags` or plain source text (case-insensitive) into a RegExp. Throws on bad syntax. */
export function compileHealthPattern(pattern: string): RegExp {
  const literal = /^\/(.+)\/([dgimsuy]*)$/.exec(pattern);
  if (literal) {
    return new RegExp(literal[1], literal[2].replace('g', ''));
  }
  return new RegExp(pattern, 'i');
}
