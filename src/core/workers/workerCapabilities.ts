import { RESTARTABLE_STATES, RESTING_STATES, STOPPABLE_STATES } from './workerStates';
import { WorkerView } from './workerView';

/** Whether Start applies to the worker now. */
export function canStart(view: WorkerView): boolean {
  return RESTING_STATES.has(view.state);
}

/** Whether Stop applies to the worker now. */
export function canStop(view: WorkerView): boolean {
  return STOPPABLE_STATES.has(view.state);
}

/** Whether Restart applies to the worker now. */
export function canRestart(view: WorkerView): boolean {
  return RESTARTABLE_STATES.has(view.state);
}

/** Whether the worker has a process whose PID could be shown or copied. */
export function hasProcess(view: WorkerView): boolean {
  return view.pid !== undefined;
}
