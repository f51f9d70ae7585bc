import * as l10n from '@vscode/l10n';
import { WorkerView } from './workerView';

/** Thrown when an id names no worker: a stale tree node, a typo in a caller's id, a removed worker. */
export class UnknownWorkerError extends Error {
  constructor(readonly workerId: string) {
    super(l10n.t('There is no worker "{0}".', workerId));
    this.name = 'UnknownWorkerError';
  }
}

/** The worker's view, for callers handed an id that must name a worker; throws UnknownWorkerError if not. */
export function requireWorker(workers: { get(id: string): WorkerView | undefined }, id: string): WorkerView {
  const view = workers.get(id);
  if (!view) {
    throw new UnknownWorkerError(id);
  }
  return view;
}
