import { WorkerSource } from '../definitions/workerDefinition';

export type WorkerState =
  'starting' | 'running' | 'stopping' | 'stopped' | 'exited' | 'crashed' | 'backoff' | 'restarting' | 'failed';

export type WorkerHealth = 'ok' | 'degraded';

export interface ExitRecord {
  readonly code: number | null;
  readonly signal: string | null;
  /** Epoch milliseconds. */
  readonly at: number;
}

export interface HealthMatch {
  readonly pattern: string;
  /** The matching line, escape sequences removed. */
  readonly line: string;
  readonly at: number;
}

/**
 * What the UI and status file see of a worker: an immutable value, recomputed only when something
 * about the worker changed. Env values are never part of it; only their names are.
 */
export interface WorkerView {
  readonly id: string;
  readonly label: string;
  readonly source: WorkerSource;
  readonly state: WorkerState;
  readonly health: WorkerHealth;
  /** The command line, with secret-looking values masked. */
  readonly commandLine: string;
  readonly cwd: string;
  readonly envNames: readonly string[];
  readonly pid: number | undefined;
  readonly pgid: number | undefined;
  /** Epoch milliseconds when the current process started. */
  readonly startedAt: number | undefined;
  readonly cpuPercent: number | undefined;
  readonly rssBytes: number | undefined;
  readonly processCount: number | undefined;
  readonly lastExit: ExitRecord | undefined;
  readonly restartCount: number;
  readonly lastHealthMatch: HealthMatch | undefined;
  /** Why the worker is failed, crashed or waiting, in words. */
  readonly message: string | undefined;
  /** The last output lines kept when the worker failed. */
  readonly lastLines: readonly string[];
  /** Epoch milliseconds when SIGKILL is due while stopping (now or past once it was sent). */
  readonly killAt: number | undefined;
  /** Epoch milliseconds of the next automatic restart while in backoff. */
  readonly nextRestartAt: number | undefined;
  readonly droppedLines: number;
  /** The definition changed since this process started: a restart applies it. */
  readonly definitionChanged: boolean;
  /** Set by the session layer for agent workers (idle, busy, waiting-for-input, …). */
  readonly sessionState: string | undefined;
  /** Local URLs the running process printed (http://localhost:3000), newest first; empty when not running. */
  readonly localUrls: readonly string[];
}
