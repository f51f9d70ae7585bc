import * as os from 'node:os';
import * as vscode from 'vscode';

/**
 * Where each session's agent runs: chosen when the session was created, the first workspace folder
 * for sessions restored from an earlier window.
 */
export class SessionFolders {
  private readonly folders = new Map<string, string>();

  set(sessionId: string, cwd: string): void {
    this.folders.set(sessionId, cwd);
  }

  delete(sessionId: string): void {
    this.folders.delete(sessionId);
  }

  get(sessionId: string): string {
    return this.folders.get(sessionId) ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
  }
}
