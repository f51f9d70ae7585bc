import * as os from 'node:os';
import * as vscode from 'vscode';

/**
 * Where each session's agent runs: chosen when the session was created, then the folder saved with
 * its transcript, and the first workspace folder for transcripts of older versions.
 */
export class SessionFolders {
  private readonly folders = new Map<string, string>();

  constructor(private readonly stored: (sessionId: string) => string | undefined) {}

  set(sessionId: string, cwd: string): void {
    this.folders.set(sessionId, cwd);
  }

  delete(sessionId: string): void {
    this.folders.delete(sessionId);
  }

  get(sessionId: string): string {
    return (
      this.folders.get(sessionId) ??
      this.stored(sessionId) ??
      vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ??
      os.homedir()
    );
  }
}
