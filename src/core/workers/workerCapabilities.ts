import { WorkerState, WorkerView } from './workerView';

/** A worker in these states has no process and no restart pending: starting it makes sense. */
const STARTABLE = new Set<WorkerState>(['stopped', 'exited', 'crashed', 'failed']);
/** A worker in these states has a process, or is about to get one that stopping would cancel. */
const STOPPABLE = new Set<WorkerState>(['starting', 'running', 'restarting', 'backoff']);
/** Restart is stop-then-start: it makes sense for a worker that runs or ran, but not mid-transition. */
const RESTARTABLE = new Set<WorkerState>(['running', 'backoff', 'exited', 'crashed', 'failed']);

/** Whether Start applies to the worker now. */
export function canStart(view: WorkerView): boolean {
  return STARTABLE.has(view.state);
}

/** Whether Stop applies to the worker now. */
export function canStop(view: WorkerView): boolean {
  return STOPPABLE.has(view.state);
}

/** Whether Restart applies to the worker now. */
export function canRestart(view: WorkerView): boolean {
  return RESTARTABLE.has(view.state);
}

/** Whether the worker has a process whose PID could be shown or copied. */
export function hasProcess(view: WorkerView): boolean {
  return view.pid !== undefined;
}
