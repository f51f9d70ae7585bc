import * as vscode from 'vscode';
import { TaskRegistry } from '../../core/base/taskRegistry';

/** A button on a notification and what it does. */
export interface NotificationAction {
  readonly title: string;
  run(): unknown;
}

type Show = (message: string, ...items: string[]) => Thenable<string | undefined>;

/**
 * Shows notifications without blocking the caller. Waiting for the user's click is background work,
 * so it runs as a tracked task: a failing button action is logged, never lost.
 */
export class Notifier {
  constructor(private readonly tasks: TaskRegistry) {}

  info(message: string, ...actions: NotificationAction[]): void {
    this.show('info', vscode.window.showInformationMessage, message, actions);
  }

  warn(message: string, ...actions: NotificationAction[]): void {
    this.show('warning', vscode.window.showWarningMessage, message, actions);
  }

  error(message: string, ...actions: NotificationAction[]): void {
    this.show('error', vscode.window.showErrorMessage, message, actions);
  }

  private show(kind: string, show: Show, message: string, actions: readonly NotificationAction[]): void {
    void this.tasks.run(`${kind} notification`, async () => {
      const choice = await show(message, ...actions.map((action) => action.title));
      await actions.find((action) => action.title === choice)?.run();
    });
  }
}
