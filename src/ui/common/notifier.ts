import * as vscode from 'vscode';
import { Logger } from '../../core/base/logger';
import { TaskRegistry } from '../../core/base/taskRegistry';
import { summarizeProblems } from './problemSummary';

/** A button on a notification and what it does. */
export interface NotificationAction {
  readonly title: string;
  run(): unknown;
}

/** How a notice about bad input ends: what the user should know next, and what they can do. */
export interface ProblemNotice {
  /** Said after the problem, e.g. "The other workers are not affected." */
  readonly consequence?: string;
  readonly actions?: readonly NotificationAction[];
}

/** A notification as it was shown. */
export interface ShownNotification {
  readonly kind: 'info' | 'warning' | 'error';
  readonly message: string;
  readonly actions: readonly NotificationAction[];
}

type Show = (message: string, ...items: string[]) => Thenable<string | undefined>;

/**
 * Shows notifications without blocking the caller. Waiting for the user's click is background work,
 * so it runs as a tracked task: a failing button action is logged, never lost.
 */
export class Notifier implements vscode.Disposable {
  private readonly shown = new vscode.EventEmitter<ShownNotification>();

  /**
   * Fires as each notification is shown. The host suite presses buttons through `actions`, since a
   * test cannot click a toast; the actions are the very ones the buttons run.
   */
  readonly onDidNotify = this.shown.event;

  constructor(
    private readonly tasks: TaskRegistry,
    private readonly logger: Logger,
  ) {}

  info(message: string, ...actions: NotificationAction[]): void {
    this.show('info', vscode.window.showInformationMessage, message, actions);
  }

  warn(message: string, ...actions: NotificationAction[]): void {
    this.show('warning', vscode.window.showWarningMessage, message, actions);
  }

  error(message: string, ...actions: NotificationAction[]): void {
    this.show('error', vscode.window.showErrorMessage, message, actions);
  }

  /** Logs every problem and warns about the first, counting the rest; says nothing when there are none. */
  warnProblems(problems: readonly string[], notice: ProblemNotice = {}): void {
    for (const problem of problems) {
      this.logger.warn(problem);
    }
    const summary = summarizeProblems(problems);
    if (summary !== undefined) {
      const message =
        notice.consequence === undefined
          ? vscode.l10n.t('Shepherd: {0}', summary)
          : vscode.l10n.t('Shepherd: {0}. {1}', summary, notice.consequence);
      this.warn(message, ...(notice.actions ?? []));
    }
  }

  dispose(): void {
    this.shown.dispose();
  }

  private show(
    kind: ShownNotification['kind'],
    show: Show,
    message: string,
    actions: readonly NotificationAction[],
  ): void {
    this.shown.fire({ kind, message, actions });
    void this.tasks.run(`${kind} notification`, async () => {
      const choice = await show(message, ...actions.map((action) => action.title));
      await actions.find((action) => action.title === choice)?.run();
    });
  }
}
