import * as vscode from 'vscode';
import { Disposable } from '../../core/base/events';
import { Supervisor } from '../../core/workers/supervisor';
import { TaskRegistry } from '../../core/base/taskRegistry';

/** Set while at least one worker exists; hides worker commands from the palette when there are none. */
export const HAS_WORKERS_KEY = 'shepherd.hasWorkers';

/** Keeps `shepherd.hasWorkers` in step with the set of workers, touching it only when it flips. */
export class WorkerContextKeys implements vscode.Disposable {
  private hasWorkers: boolean | undefined;
  private readonly subscription: Disposable;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly tasks: TaskRegistry,
  ) {
    this.subscription = supervisor.onDidChangeWorker((change) => {
      if (change.kind !== 'updated') {
        this.update();
      }
    });
    this.update();
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private update(): void {
    const hasWorkers = this.supervisor.snapshot().length > 0;
    if (hasWorkers !== this.hasWorkers) {
      this.hasWorkers = hasWorkers;
      void this.tasks.run('set context key', async () => {
        await vscode.commands.executeCommand('setContext', HAS_WORKERS_KEY, hasWorkers);
      });
    }
  }
}
