import * as vscode from 'vscode';
import { Disposable } from '../../core/base/events';
import { AttentionEvent } from '../../core/sessions/sessionEvents';
import { SessionManager } from '../../core/sessions/sessionManager';
import { PermissionDecision, SessionView, TranscriptEntry } from '../../shared/sessionModel';
import { isObject } from '../../shared/untrusted';
import { NotificationAction, Notifier } from '../common/notifier';

/** One notification per session in this window, and none closer together than the global gap. */
const PER_SESSION_GAP_MS = 30_000;
export const GLOBAL_GAP_MS = 5_000;
/** What a toast shows of a command or tool: enough to decide, never a wall of text. */
const MAX_ASKED_CHARS = 80;

type PermissionEntry = Extract<TranscriptEntry, { kind: 'permission' }>;

/**
 * Agent text on one line, cut, and without brackets: a notification renders `[label](target)` as a
 * link, and an agent must not be able to put a command link under the user's mouse.
 */
function plain(text: string): string {
  const line = text.replace(/[[\]]/g, '').replace(/\s+/g, ' ').trim();
  return line.length > MAX_ASKED_CHARS ? `${line.slice(0, MAX_ASKED_CHARS - 1)}…` : line;
}

/** The command a permission asks to run, when its input names one (Claude's Bash, ACP terminals). */
function commandOf(input: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(input);
    return isObject(parsed) && typeof parsed.command === 'string' ? parsed.command : undefined;
  } catch {
    // Not JSON: the input is a description, and the tool's name says what is asked.
    return undefined;
  }
}

function pendingPermission(entries: readonly TranscriptEntry[]): PermissionEntry | undefined {
  return [...entries]
    .reverse()
    .find((entry): entry is PermissionEntry => entry.kind === 'permission' && entry.decision === undefined);
}

/** "Demo wants to run `npm test`." */
function askedText(title: string, entry: PermissionEntry): string {
  const command = commandOf(entry.input);
  return command === undefined
    ? vscode.l10n.t('"{0}" wants to use {1}.', plain(title), plain(entry.description ?? entry.toolName))
    : vscode.l10n.t('"{0}" wants to run `{1}`.', plain(title), plain(command));
}

/**
 * Tells the user when a session whose panel they cannot see finished a turn or waits for them, and
 * lets them answer a permission from the notification. Rate-limited so a fast agent cannot bury the
 * editor in toasts; a setting turns it off.
 */
export class SessionAttention implements vscode.Disposable {
  private readonly lastBySession = new Map<string, number>();
  private lastShown = 0;
  private readonly subscription: Disposable;

  constructor(
    private readonly manager: SessionManager,
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
    const open = { title: vscode.l10n.t('Open'), run: () => this.open(session.id) };
    if (!waiting) {
      this.notifier.info(vscode.l10n.t('"{0}" finished its turn.', plain(session.title)), open);
      return;
    }
    const permission = pendingPermission(this.manager.transcript(session.id));
    if (!permission) {
      this.notifier.warn(vscode.l10n.t('"{0}" is waiting for your answer.', plain(session.title)), open);
      return;
    }
    this.notifier.warn(askedText(session.title, permission), ...this.answers(session, permission), open);
  }

  /**
   * Allow and Deny answer once (ACP allow_once / reject_once): always allowing is a choice for the
   * panel, where the request can be read whole. Where the agent labels its answers, its labels are used,
   * and an answer it does not offer is not offered here.
   */
  private answers(session: SessionView, permission: PermissionEntry): NotificationAction[] {
    const answer = (decision: PermissionDecision, fallback: string): NotificationAction[] => {
      const choices = permission.choices;
      const label = choices ? choices.find((choice) => choice.decision === decision)?.label : fallback;
      return label === undefined
        ? []
        : [{ title: plain(label), run: () => this.respond(session, permission, decision) }];
    };
    return [...answer('allow', vscode.l10n.t('Allow')), ...answer('deny', vscode.l10n.t('Deny'))];
  }

  private respond(session: SessionView, permission: PermissionEntry, decision: PermissionDecision): void {
    if (!this.manager.get(session.id) || !this.manager.respond(session.id, permission.requestId, decision)) {
      this.notifier.info(
        vscode.l10n.t(
          '"{0}" no longer waits for that answer (it was answered or the session ended).',
          plain(session.title),
        ),
      );
    }
  }
}
