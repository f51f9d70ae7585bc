import * as vscode from 'vscode';
import { Emitter, Event } from '../../core/base/events';
import { describeError, Logger } from '../../core/base/logger';
import { TaskRegistry } from '../../core/base/taskRegistry';
import { SessionManager } from '../../core/sessions/sessionManager';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import { summarizeWorktree, WorktreeSummary } from '../../core/worktrees/worktreeStatus';

/**
 * Which session runs in which worktree (kept by the session manager with each transcript, so worktree
 * sessions survive a reload) and each worktree's latest summary, refreshed on the global tick. A
 * refresh still running when the next tick comes is not started again, so a slow git never piles up
 * calls.
 */
export class SessionWorktrees implements vscode.Disposable {
  private readonly summaries = new Map<string, WorktreeSummary>();
  private readonly refreshing = new Set<string>();
  private readonly changes: Emitter<string>;

  private readonly subscription: { dispose(): void };

  constructor(
    private readonly manager: SessionManager,
    private readonly git: GitRunner,
    private readonly tasks: TaskRegistry,
    logger: Logger,
  ) {
    this.changes = new Emitter<string>((error) => logger.error(`a worktree listener threw: ${describeError(error)}`));
    // Restored and closed sessions bring their worktrees with them.
    this.subscription = manager.onDidChangeSession((change) => {
      if (change.kind !== 'updated') {
        this.summaries.delete(change.view.id);
        this.changes.fire(change.view.id);
      }
    });
  }

  /** Fires a session id when its worktree's summary (or record) changed. */
  get onDidChange(): Event<string> {
    return this.changes.event;
  }

  get(sessionId: string): WorktreeInfo | undefined {
    return this.manager.placeOf(sessionId)?.worktree;
  }

  entries(): [string, WorktreeInfo][] {
    return this.manager.list().flatMap((session) => {
      const worktree = this.get(session.id);
      return worktree ? [[session.id, worktree] as [string, WorktreeInfo]] : [];
    });
  }

  summary(sessionId: string): WorktreeSummary | undefined {
    return this.summaries.get(sessionId);
  }

  /** Forgets a session's worktree (discarded), in its transcript too. */
  delete(sessionId: string): void {
    this.manager.setWorktree(sessionId, undefined);
    this.summaries.delete(sessionId);
    this.changes.fire(sessionId);
  }

  /** Starts one summary per worktree (git calls of different worktrees run side by side). */
  refresh(): void {
    for (const [sessionId, info] of this.entries()) {
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
    this.subscription.dispose();
    this.changes.dispose();
  }
}
