import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { diffDefinitions } from '../../core/definitions/reconcile';
import { WorkerDefinition } from '../../core/definitions/workerDefinition';
import type { ShepherdContext } from '../context';
import { DesiredWorker, DesiredWorkers, ProcfileLocation, readDesiredWorkers } from './configuration';

/** What the settings sync uses of the context. */
export type WorkerSyncContext = Pick<
  ShepherdContext,
  'tasks' | 'supervisor' | 'control' | 'trust' | 'notifier' | 'logger' | 'openSettings' | 'showLog'
>;

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

  constructor(private readonly ctx: WorkerSyncContext) {}

  /** True for workers that settings or a Procfile define: they follow their source, not the user's Remove. */
  owns(id: string): boolean {
    return this.appliedIds.has(id);
  }

  /** Queues a pass; resolves once it (and any queued before it) has been applied. */
  reconcile(reason: string): Promise<void> {
    const pass = this.queue.then(() => this.ctx.tasks.run(`reconcile (${reason})`, () => this.reconcileOnce()));
    this.queue = pass.then(() => undefined);
    return this.queue;
  }

  /** Trust was just granted: start the workspace's autoStart workers that trust held back. */
  startHeldBack(): void {
    for (const { definition } of this.applied) {
      if (
        definition.autoStart &&
        this.ctx.trust.isWorkspaceDefined(definition.id) &&
        this.ctx.supervisor.get(definition.id)?.state === 'stopped'
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
      this.ctx.trust.setOrigin(definition.id, origin);
    }
    const diff = diffDefinitions(
      this.applied.map((worker) => worker.definition),
      desired.workers.map((worker) => worker.definition),
    );
    this.applied = desired.workers;
    this.appliedIds = new Set(desired.workers.map((worker) => worker.definition.id));
    // Removals first and awaited: a worker removed and re-added under the same id must not vanish.
    await Promise.all(diff.removed.map((id) => this.ctx.control.remove(id)));
    for (const definition of diff.added) {
      this.ctx.supervisor.upsert(definition);
      if (definition.autoStart) {
        this.autoStart(definition);
      }
    }
    for (const definition of diff.changed) {
      if (
        this.ctx.supervisor.upsert(definition) === 'changed' &&
        this.ctx.supervisor.get(definition.id)?.definitionChanged
      ) {
        this.offerRestart(definition);
      }
    }
    this.logSummary(desired, diff.added.length, diff.removed.length, diff.changed.length);
  }

  private autoStart(definition: WorkerDefinition): void {
    void this.ctx.tasks.run(`auto-start of ${definition.id}`, () =>
      this.ctx.control.start(definition.id, { quiet: true }),
    );
  }

  private offerRestart(definition: WorkerDefinition): void {
    this.ctx.notifier.info(
      vscode.l10n.t('Shepherd: the definition of "{0}" changed. Restart it to apply the change.', definition.label),
      {
        title: vscode.l10n.t('Restart'),
        run: () => this.ctx.control.restart(definition.id),
      },
    );
  }

  /** Says what is wrong with the settings once per distinct set of problems, not on every pass. */
  private reportProblems(problems: readonly string[]): void {
    const key = problems.join('\n');
    if (key !== this.shownProblems) {
      this.shownProblems = key;
      this.ctx.notifier.warnProblems(problems, {
        consequence: vscode.l10n.t('The other workers are not affected.'),
        actions: [
          { title: vscode.l10n.t('Open Settings'), run: this.ctx.openSettings },
          { title: vscode.l10n.t('Show Log'), run: this.ctx.showLog },
        ],
      });
      return;
    }
    // Already shown: the log still gets them on every pass, so it tells when they were fixed.
    for (const problem of problems) {
      this.ctx.logger.warn(problem);
    }
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
      this.ctx.logger.info(
        `configuration applied: ${desired.workers.length} configured worker(s); ` +
          `${added} added, ${removed} removed, ${changed} changed`,
      );
    }
  }
}
