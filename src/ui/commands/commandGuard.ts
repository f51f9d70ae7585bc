import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { describeError, Logger } from '../../core/base/logger';
import { Notifier } from '../common/notifier';

export type CommandHandler = (...args: unknown[]) => unknown;

/**
 * Registers a command whose failure becomes a message the user sees (VS Code would only log it),
 * and keeps the registration's disposable.
 */
export function registerGuardedCommand(
  store: DisposableStore,
  id: string,
  handler: CommandHandler,
  report: { logger: Logger; notifier: Notifier },
): void {
  store.add(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        report.logger.error(`command ${id} failed: ${describeError(error)}`);
        report.notifier.error(vscode.l10n.t('Shepherd: {0}', describeError(error)));
        return undefined;
      }
    }),
  );
}
