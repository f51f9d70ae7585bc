import * as l10n from '@vscode/l10n';
import { Logger } from '../../core/base/logger';
import { Supervisor } from '../../core/workers/supervisor';
import { StopOptions } from '../../core/workers/workerStopping';
import { TerminationResult } from '../../core/process/processGroup';
import { WorkerView } from '../../core/workers/workerView';
import { workerMessage } from '../common/logger';
import { Notifier } from '../common/notifier';
import { WorkerTrust } from '../settings/trust';

/**
 * The one way the editor starts, stops and removes workers: it applies workspace trust before any
 * start and tells the user when a start fails. Supervision itself stays in the Supervisor.
 */
export class WorkerControl {
  constructor(
    private readonly supervisor: Supervisor,
    private readonly trust: WorkerTrust,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
    private readonly showOutput: (id: string) => void,
  ) {}

  /**
   * Starts a worker unless the workspace that defined it is untrusted. `quiet` (automatic starts)
   * skips a restricted worker without asking the user; a user's Start explains and offers trust.
   * Resolves with the view after the attempt, or undefined when trust kept it from starting.
   */
  async start(id: string, options: { quiet?: boolean } = {}): Promise<WorkerView | undefined> {
    if (!this.allowed(id, options.quiet ?? false)) {
      return undefined;
    }
    return this.reportFailure(await this.supervisor.start(id));
  }

  async restart(id: string): Promise<WorkerView | undefined> {
    if (!this.allowed(id, false)) {
      return undefined;
    }
    return this.reportFailure(await this.supervisor.restart(id));
  }

  stop(id: string, options?: StopOptions): Promise<TerminationResult | undefined> {
    return this.supervisor.stop(id, options);
  }

  async remove(id: string): Promise<void> {
    await this.supervisor.remove(id);
    this.trust.forget(id);
  }

  private allowed(id: string, quiet: boolean): boolean {
    if (!this.trust.isRestricted(id)) {
      return true;
    }
    this.logger.info(workerMessage(id, 'not started: the workspace that defines it is not trusted'));
    if (!quiet) {
      this.trust.explainRestriction(this.supervisor.get(id)?.label ?? id);
    }
    return false;
  }

  private reportFailure(view: WorkerView): WorkerView {
    if (view.state === 'failed') {
      const why = view.message ?? l10n.t('unknown reason');
      this.notifier.error(l10n.t('Shepherd: "{0}" could not start: {1}', view.label, why), {
        title: l10n.t('Show Output'),
        run: () => this.showOutput(view.id),
      });
    }
    return view;
  }
}
