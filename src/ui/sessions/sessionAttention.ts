import * as vscode from 'vscode';
import { Disposable } from '../../core/base/events';
import { AttentionEvent, SessionManager } from '../../core/sessions/sessionManager';
import { Notifier } from '../common/notifier';

/** One notification per session in this window, and none closer together than the global gap. */
const PER_SESSION_GAP_MS = 30_000;
const GLOBAL_GAP_MS = 5_000;

/**
 * Tells the user when a session whose panel they cannot see finished a turn or waits for them.
 * Rate-limited so a fast agent cannot bury the editor in toasts; a setting turns it off.
 */
export class SessionAttention implements vscode.Disposable {
  private readonly lastBySession = new Map<string, number>();
  private lastShown = 0;
  private readonly subscription: Disposable;

  constructor(
    manager: SessionManager,
    private readonly notifier: Notifier,
    private readonly isPanelVisible: (sessionId: string) => boolean,
    private readonly enabled: () => boolean,
    private readonly open: (sessionId: string) => unknown,
  ) {
    this.subscription = manager.onDidNeedAttention((event) => this.onAttention(event));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private onAttention({ session, reason }: AttentionEvent): void {
    const now = Date.now();
    if (!this.enabled() || this.isPanelVisible(session.id)) {
      return;
    }
    const waiting = reason === 'waiting-for-input';
    // Waiting for input blocks the agent, so it may pass the per-session limit (never the global one).
    if (
      now - this.lastShown < GLOBAL_GAP_MS ||
      (!waiting && now - (this.lastBySession.get(session.id) ?? 0) < PER_SESSION_GAP_MS)
    ) {
      return;
    }
    this.lastShown = now;
    this.lastBySession.set(session.id, now);
    const message = waiting
      ? `"${session.title}" is waiting for your answer.`
      : `"${session.title}" finished its turn.`;
    const action = { title: 'Open Session', run: () => this.open(session.id) };
    if (waiting) {
      this.notifier.warn(message, action);
    } else {
      this.notifier.info(message, action);
    }
  }
}
