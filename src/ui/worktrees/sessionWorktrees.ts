import * as vscode from 'vscode';
import { Emitter, Event } from '../../core/base/events';
import { describeError, Logger } from '../../core/base/logger';
import { TaskRegistry } from '../../core/base/taskRegistry';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import { summarizeWorktree, WorktreeSummary } from '../../core/worktrees/worktreeStatus';

/** Workspace-state key under which each session's worktree is kept across window reloads. */
const STATE_KEY = 'shepherd.sessionWorktrees';

const INFO_FIELDS = ['repoRoot', 'path', 'branch', 'baseCommit', 'baseLabel'] as const;

/** A stored record, checked field by field: a bad one is reported and skipped, the others load. */
function readInfo(value: unknown): WorktreeInfo | string {
  if (typeof value !== 'object' || value === null) {
    return 'it is not an object';
  }
  const record = value as Record<string, unknown>;
  const missing = INFO_FIELDS.filter((field) => typeof record[field] !== 'string' || record[field] === '');
  if (missing.length > 0) {
    return `it lacks ${missing.join(', ')}`;
  }
  const text = (field: (typeof INFO_FIELDS)[number]): string => String(record[field]);
  return {
    repoRoot: text('repoRoot'),
    path: text('path'),
    branch: text('branch'),
    baseCommit: text('baseCommit'),
    baseLabel: text('baseLabel'),
  };
}

/**
 * Which session runs in which worktree (persisted, so worktree sessions survive a reload) and each
 * worktree's latest summary, refreshed on the global tick. A refresh still running when the next
 * tick comes is not started again, so a slow git never piles up calls.
 */
export class SessionWorktrees implements vscode.Disposable {
  private readonly records = new Map<string, WorktreeInfo>();
  private readonly summaries = new Map<string, WorktreeSummary>();
  private readonly refreshing = new Set<string>();
  private readonly changes: Emitter<string>;

  constructor(
    private readonly state: vscode.Memento,
    private readonly git: GitRunner,
    private readonly tasks: TaskRegistry,
    logger: Logger,
  ) {
    this.changes = new Emitter<string>((error) => logger.error(`a worktree listener threw: ${describeError(error)}`));
    const stored = state.get<unknown>(STATE_KEY, {});
    for (const [sessionId, value] of Object.entries(typeof stored === 'object' && stored !== null ? stored : {})) {
      const info = readInfo(value);
      if (typeof info === 'string') {
        logger.warn(`[session:${sessionId}] its stored worktree is ignored: ${info}`);
      } else {
        this.records.set(sessionId, info);
      }
    }
  }

  /** Fires a session id when its worktree's summary (or record) changed. */
  get onDidChange(): Event<string> {
    return this.changes.event;
  }

  get(sessionId: string): WorktreeInfo | undefined {
    return this.records.get(sessionId);
  }

  entries(): [string, WorktreeInfo][] {
    return [...this.records];
  }

  summary(sessionId: string): WorktreeSummary | undefined {
    return this.summaries.get(sessionId);
  }

  async set(sessionId: string, info: WorktreeInfo): Promise<void> {
    this.records.set(sessionId, info);
    await this.persist();
    this.changes.fire(sessionId);
  }

  async delete(sessionId: string): Promise<void> {
    this.records.delete(sessionId);
    this.summaries.delete(sessionId);
    await this.persist();
    this.changes.fire(sessionId);
  }

  /** Starts one summary per worktree (git calls of different worktrees run side by side). */
  refresh(): void {
    for (const [sessionId, info] of this.records) {
      if (this.refreshing.has(sessionId)) {
        continue;
      }
      this.refreshing.add(sessionId);
      void this.tasks.run(`worktree summary ${sessionId}`, async () => {
        try {
          const summary = await summarizeWorktree(this.git, info);
          const previous = this.summaries.get(sessionId);
          this.summaries.set(sessionId, summary);
          if (JSON.stringify(previous) !== JSON.stringify(summary)) {
            this.changes.fire(sessionId);
          }
        } finally {
          this.refreshing.delete(sessionId);
        }
      });
    }
  }

  dispose(): void {
    this.changes.dispose();
  }

  private persist(): Thenable<void> {
    return this.state.update(STATE_KEY, Object.fromEntries(this.records));
  }
}
