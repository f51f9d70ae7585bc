import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { Logger } from '../../core/base/logger';
import { diffDefinitions } from '../../core/definitions/reconcile';
import { Supervisor } from '../../core/workers/supervisor';
import { WorkerDefinition } from '../../core/definitions/workerDefinition';
import { DesiredWorker, DesiredWorkers, ProcfileLocation, readDesiredWorkers } from './configuration';
import { Notifier } from '../common/notifier';
import { WorkerTrust } from './trust';
import { WorkerControl } from '../workers/workerControl';
import { TaskRegistry } from '../../core/base/taskRegistry';

export interface WorkerSyncDeps {
  readonly tasks: TaskRegistry;
  readonly supervisor: Supervisor;
  readonly control: WorkerControl;
  readonly trust: WorkerTrust;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly openSettings: () => unknown;
  readonly showLog: () => unknown;
}

/**
 * Keeps the supervisor's configured workers equal to what settings and Procfiles ask for. Each pass
 * reads everything, diffs it against the previous pass (src/core/reconcile) and applies the
 * difference: new workers appear (and start if autoStart and trusted), removed ones stop and go,
 * changed ones get their new definition and, when running, an offer to restart. Passes never overlap.
 */
export class WorkerSync implements vscode.Disposable {
  private applied: readonly DesiredWorker[] = [];
  private appliedIds: ReadonlySet<string> = new Set();
  private queue: Promise<void> = Promise.resolve();
  private shownProblems = '';
  private watchedProcfiles = '';
  /** Replaced whenever the set of Procfiles changes. */
  private watchers = new DisposableStore();
  private disposed = false;

  constructor(private readonly deps: WorkerSyncDeps) {}

  /** True for workers that settings or a Procfile define: they follow their source, not the user's Remove. */
  owns(id: string): boolean {
    return this.appliedIds.has(id);
  }

  /** Queues a pass; resolves once it (and any queued before it) has been applied. */
  reconcile(reason: string): Promise<void> {
    const pass = this.queue.then(() => this.deps.tasks.run(`reconcile (${reason})`, () => this.reconcileOnce()));
    this.queue = pass.then(() => undefined);
    return this.queue;
  }

  /** Trust was just granted: start the workspace's autoStart workers that trust held back. */
  startHeldBack(): void {
    for (const { definition } of this.applied) {
      if (
        definition.autoStart &&
        this.deps.trust.isWorkspaceDefined(definition.id) &&
        this.deps.supervisor.get(definition.id)?.state === 'stopped'
      ) {
        this.autoStart(definition);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.watchers.dispose();
  }

  private async reconcileOnce(): Promise<void> {
    const desired = await readDesiredWorkers();
    this.reportProblems(desired.problems);
    this.watchProcfiles(desired.procfiles);
    for (const { definition, origin } of desired.workers) {
      this.deps.trust.setOrigin(definition.id, origin);
    }
    const diff = diffDefinitions(
      this.applied.map((worker) => worker.definition),
      desired.workers.map((worker) => worker.definition),
    );
    this.applied = desired.workers;
    this.appliedIds = new Set(desired.workers.map((worker) => worker.definition.id));
    // Removals first and awaited: a worker removed and re-added under the same id must not vanish.
    await Promise.all(diff.removed.map((id) => this.deps.control.remove(id)));
    for (const definition of diff.added) {
      this.deps.supervisor.upsert(definition);
      if (definition.autoStart) {
        this.autoStart(definition);
      }
    }
    for (const definition of diff.changed) {
      if (
        this.deps.supervisor.upsert(definition) === 'changed' &&
        this.deps.supervisor.get(definition.id)?.definitionChanged
      ) {
        this.offerRestart(definition);
      }
    }
    this.logSummary(desired, diff.added.length, diff.removed.length, diff.changed.length);
  }

  private autoStart(definition: WorkerDefinition): void {
    void this.deps.tasks.run(`auto-start of ${definition.id}`, () =>
      this.deps.control.start(definition.id, { quiet: true }),
    );
  }

  private offerRestart(definition: WorkerDefinition): void {
    this.deps.notifier.info(
      `Shepherd: the definition of "${definition.label}" changed. Restart it to apply the change.`,
      {
        title: 'Restart',
        run: () => this.deps.control.restart(definition.id),
      },
    );
  }

  /** Says what is wrong with the settings once per distinct set of problems, not on every pass. */
  private reportProblems(problems: readonly string[]): void {
    for (const problem of problems) {
      this.deps.logger.warn(problem);
    }
    const key = problems.join('\n');
    if (key === this.shownProblems) {
      return;
    }
    this.shownProblems = key;
    if (problems.length === 0) {
      return;
    }
    const more =
      problems.length > 1
        ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}: see the Shepherd log)`
        : '';
    this.deps.notifier.warn(
      `Shepherd: ${problems[0]}${more}. The other workers are not affected.`,
      { title: 'Open Settings', run: this.deps.openSettings },
      { title: 'Show Log', run: this.deps.showLog },
    );
  }

  /** Procfile edits apply like settings edits; the watchers change only when the set of Procfiles does. */
  private watchProcfiles(procfiles: readonly ProcfileLocation[]): void {
    const key = procfiles.map((procfile) => procfile.uri.toString()).join('\n');
    if (key === this.watchedProcfiles || this.disposed) {
      return;
    }
    this.watchedProcfiles = key;
    this.watchers.dispose();
    this.watchers = new DisposableStore();
    for (const { uri } of procfiles) {
      const pattern = new vscode.RelativePattern(vscode.Uri.file(path.dirname(uri.fsPath)), path.basename(uri.fsPath));
      const watcher = this.watchers.add(vscode.workspace.createFileSystemWatcher(pattern));
      const onChange = (): void => void this.reconcile('Procfile changed');
      this.watchers.add(watcher.onDidChange(onChange));
      this.watchers.add(watcher.onDidCreate(onChange));
      this.watchers.add(watcher.onDidDelete(onChange));
    }
  }

  private logSummary(desired: DesiredWorkers, added: number, removed: number, changed: number): void {
    if (added + removed + changed > 0) {
      this.deps.logger.info(
        `configuration applied: ${desired.workers.length} configured worker(s); ` +
          `${added} added, ${removed} removed, ${changed} changed`,
      );
    }
  }
}
