import { WorkerState } from './workerView';

/**
 * Which worker states belong together, defined once: what the supervisor, the session layer and the
 * UI each decide about a state (may it have a process, may it start, …) reads from these sets.
 */

/** States in which the worker's process group may be alive. */
export const LIVE_STATES: ReadonlySet<WorkerState> = new Set<WorkerState>([
  'starting',
  'running',
  'restarting',
  'stopping',
]);

/** States with no process and no restart pending: the worker stays as it is until someone starts it. */
export const RESTING_STATES: ReadonlySet<WorkerState> = new Set<WorkerState>([
  'stopped',
  'exited',
  'crashed',
  'failed',
]);

/** States with a process, or with one about to come that stopping would cancel. */
export const STOPPABLE_STATES: ReadonlySet<WorkerState> = new Set<WorkerState>([
  'starting',
  'running',
  'restarting',
  'backoff',
]);

/** Restart is stop-then-start: it makes sense for a worker that runs or ran, but not mid-transition. */
export const RESTARTABLE_STATES: ReadonlySet<WorkerState> = new Set<WorkerState>([
  'running',
  'backoff',
  'exited',
  'crashed',
  'failed',
]);

/** States reached because the process ended on its own: the view's lastExit says how. */
export const EXITED_STATES: ReadonlySet<WorkerState> = new Set<WorkerState>(['exited', 'crashed']);

/** States that ended in trouble: the view's message says why. */
export const FAILURE_STATES: ReadonlySet<WorkerState> = new Set<WorkerState>(['crashed', 'failed']);
