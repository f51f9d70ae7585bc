import { Semaphore } from 'async-mutex';
import * as vscode from 'vscode';
import { Emitter, Event } from '../../core/base/events';
import { describeError, Logger } from '../../core/base/logger';
import { TaskRegistry } from '../../core/base/taskRegistry';
import { SessionManager } from '../../core/sessions/sessionManager';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { SessionState } from '../../shared/sessionModel';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import { SUMMARY_LANES, summarizeWorktree, WorktreeSummary } from '../../core/worktrees/worktreeStatus';

/** Agent states in which files may change under the worktree, so its summary is refreshed every tick. */
const WORKING_STATES: ReadonlySet<SessionState> = new Set<SessionState>([
  'busy',
  'stalled',
  'waiting-for-input',
  'starting',
]);

/**
 * Which session runs in which worktree (kept by the session manager with each transcript, so worktree
 * sessions survive a reload) and each worktree's latest summary, refreshed on the global tick. A
 * refresh still running when the next tick comes is not started again, so a slow git never piles up
 * calls.
 */
export class SessionWorktrees implements vscode.Disposable {
  private readonly summaries = new Map<string, WorktreeSummary>();
  private readonly refreshing = new Set<string>();
  /** Sessions whose worktree may have changed since its last summary although their agent is not working. */
  private readonly stale = new Set<string>();
  private readonly lanes = new Semaphore(SUMMARY_LANES);
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
      // A state change (a turn that just ended, above all) earns one more summary.
      this.stale.add(change.view.id);
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

  /** Summarises the session's worktree on the next tick (a command changed its files). */
  markStale(sessionId: string): void {
    this.stale.add(sessionId);
  }

  /** Forgets a session's worktree (discarded), in its transcript too. */
  delete(sessionId: string): void {
    this.manager.setWorktree(sessionId, undefined);
    this.summaries.delete(sessionId);
    this.changes.fire(sessionId);
  }

  /**
   * Starts a summary for each worktree whose agent is working, or that changed (or was never
   * summarised) since; SUMMARY_LANES at a time. Idle sessions cost no git call: each call's spawn
   * holds the host's event loop (a fork of the whole host, tens of ms on a loaded machine).
   */
  refresh(): void {
    for (const [sessionId, info] of this.entries()) {
      const working = WORKING_STATES.has(this.manager.get(sessionId)?.state ?? 'exited');
      if (this.refreshing.has(sessionId) || (!working && !this.stale.has(sessionId) && this.summaries.has(sessionId))) {
        continue;
      }
      this.stale.delete(sessionId);
      this.refreshing.add(sessionId);
      void this.tasks.run(`worktree summary ${sessionId}`, async () => {
        try {
          const summary = await this.lanes.runExclusive(() => summarizeWorktree(this.git, info));
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
