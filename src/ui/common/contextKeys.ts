import * as vscode from 'vscode';
import { Disposable } from '../../core/base/events';
import { Supervisor } from '../../core/workers/supervisor';
import { TaskRegistry } from '../../core/base/taskRegistry';

/** Set while a workspace folder holds a Procfile: the welcome view then offers Import Procfile. */
export const HAS_PROCFILE_KEY = 'shepherd.hasProcfile';

/** What counts as a Procfile for the welcome view: the names Import Procfile lists. */
const PROCFILE_GLOB = '**/Procfile{,.*}';
const PROCFILE_EXCLUDE = '**/node_modules/**';

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

/**
 * Keeps `shepherd.hasProcfile` true while the workspace holds a Procfile, by watching for Procfiles
 * created or deleted (and folders added or removed), looking again for one file after each change.
 */
export class ProcfileContextKey implements vscode.Disposable {
  private readonly watcher = vscode.workspace.createFileSystemWatcher(PROCFILE_GLOB, false, true, false);
  private readonly folders: vscode.Disposable;
  /** Counts lookups, so a slow one that finishes after a newer one cannot set an outdated value. */
  private lookups = 0;

  constructor(private readonly tasks: TaskRegistry) {
    this.watcher.onDidCreate(() => this.update());
    this.watcher.onDidDelete(() => this.update());
    this.folders = vscode.workspace.onDidChangeWorkspaceFolders(() => this.update());
    this.update();
  }

  dispose(): void {
    this.watcher.dispose();
    this.folders.dispose();
  }

  private update(): void {
    const lookup = ++this.lookups;
    void this.tasks.run('look for a Procfile', async () => {
      const found = await vscode.workspace.findFiles(PROCFILE_GLOB, PROCFILE_EXCLUDE, 1);
      if (lookup === this.lookups) {
        await vscode.commands.executeCommand('setContext', HAS_PROCFILE_KEY, found.length > 0);
      }
    });
  }
}
