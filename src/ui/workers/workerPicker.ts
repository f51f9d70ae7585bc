import * as vscode from 'vscode';
import { Supervisor } from '../../core/workers/supervisor';
import { WorkerView } from '../../core/workers/workerView';
import { Notifier } from '../common/notifier';
import { describeWorker, WorkerFlags } from './workerFormat';
import { stateIcon } from './workerPresentation';

interface WorkerPick extends vscode.QuickPickItem {
  readonly id: string;
}

export interface PickOptions {
  /** Only workers for which the action makes sense are offered. */
  readonly filter: (view: WorkerView, flags: WorkerFlags) => boolean;
  readonly placeHolder: string;
  /** Said when no worker qualifies, e.g. "No worker is running." */
  readonly noneMessage: string;
}

/**
 * Asks which worker an action from the palette applies to, showing each with its state icon and
 * description, and only the workers for which the action makes sense.
 */
export class WorkerPicker {
  constructor(
    private readonly supervisor: Supervisor,
    private readonly flagsOf: (id: string) => WorkerFlags,
    private readonly notifier: Notifier,
  ) {}

  /** Resolves with the chosen id, or undefined when no worker qualifies or the user cancelled. */
  async pick(options: PickOptions): Promise<string | undefined> {
    const now = Date.now();
    const items: WorkerPick[] = this.supervisor
      .snapshot()
      .map((view) => ({ view, flags: this.flagsOf(view.id) }))
      .filter(({ view, flags }) => !flags.warmSpare && options.filter(view, flags))
      .map(({ view, flags }) => ({
        id: view.id,
        label: view.label,
        iconPath: stateIcon(view, flags.restricted),
        description: describeWorker(view, now, flags.restricted),
        detail: view.commandLine,
      }));
    if (items.length === 0) {
      this.notifier.info(options.noneMessage);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, {
      placeHolder: options.placeHolder,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return picked?.id;
  }
}
