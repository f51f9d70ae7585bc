import * as vscode from 'vscode';
import { Notifier } from '../common/notifier';

/** Who wrote a worker's definition: the user (user settings, a typed command) or the workspace. */
export type WorkerOrigin = 'user' | 'workspace';

/**
 * Remembers which workers the workspace defined (workspace and folder settings, Procfiles) and keeps
 * them from starting while the workspace is not trusted: opening a folder must never run its code.
 */
export class WorkerTrust {
  private readonly workspaceDefined = new Set<string>();

  constructor(private readonly notifier: Notifier) {}

  get onDidGrant(): vscode.Event<void> {
    return vscode.workspace.onDidGrantWorkspaceTrust;
  }

  setOrigin(id: string, origin: WorkerOrigin): void {
    if (origin === 'workspace') {
      this.workspaceDefined.add(id);
    } else {
      this.workspaceDefined.delete(id);
    }
  }

  forget(id: string): void {
    this.workspaceDefined.delete(id);
  }

  isWorkspaceDefined(id: string): boolean {
    return this.workspaceDefined.has(id);
  }

  /** True while the worker may not run: the workspace defined it and is not trusted. */
  isRestricted(id: string): boolean {
    return !vscode.workspace.isTrusted && this.workspaceDefined.has(id);
  }

  /** Tells the user why a worker did not start and offers the way to trust the workspace. */
  explainRestriction(label: string): void {
    this.notifier.warn(
      vscode.l10n.t(
        '"{0}" is defined by this workspace, which is not trusted, so Shepherd will not run it. ' +
          'Trust the workspace to start it.',
        label,
      ),
      {
        title: vscode.l10n.t('Manage Workspace Trust'),
        run: () => vscode.commands.executeCommand('workbench.trust.manage'),
      },
    );
  }
}
