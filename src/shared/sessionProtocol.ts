/**
 * The one definition of the messages between a session panel's webview and the extension, in both
 * directions. The extension validates every message from the webview with `parseWebviewMessage`:
 * the webview renders agent output, so it is treated as untrusted.
 */
import type { PermissionDecision, SessionView, TranscriptChange, TranscriptEntry } from './sessionModel';
import { describeValue, isObject, oneOf, stringField, UntrustedObject } from './untrusted';

/** The longest message a user can send from the panel; past this it is refused, not cut. */
export const MAX_PROMPT_CHARS = 100_000;
const MAX_HREF_CHARS = 2_048;
const MAX_ID_CHARS = 200;

// ---- Webview → extension ------------------------------------------------------------------

export type WebviewMessage =
  /** Sent once the script runs; the extension sends nothing before it. */
  | { readonly type: 'ready' }
  | { readonly type: 'send'; readonly text: string }
  | { readonly type: 'interrupt' }
  | { readonly type: 'permission'; readonly requestId: string; readonly decision: PermissionDecision }
  /** A link the user clicked in agent output; the extension opens http(s) links only. */
  | { readonly type: 'openLink'; readonly href: string }
  /** A header button of a worktree session. */
  | { readonly type: 'worktree'; readonly action: WorktreeAction }
  /** "Rewind to before this turn" on the user message `entryId`. */
  | { readonly type: 'rewind'; readonly entryId: number };

export type WorktreeAction = 'review' | 'accept' | 'discard';
export const WORKTREE_ACTIONS: readonly WorktreeAction[] = ['review', 'accept', 'discard'];

// ---- Extension → webview ------------------------------------------------------------------

export type ExtensionMessage =
  /** The whole state, answering `ready` (and after a reload). */
  | { readonly type: 'init'; readonly session: SessionView; readonly entries: readonly TranscriptEntry[] }
  | { readonly type: 'transcript'; readonly change: TranscriptChange }
  | { readonly type: 'session'; readonly session: SessionView }
  /** Something the user should see in the panel that is not part of the conversation. */
  | { readonly type: 'problem'; readonly message: string };

/** State the webview keeps across hide/show via setState, and the serializer reads on reload. */
export interface PanelState {
  readonly sessionId: string;
}

const DECISIONS: readonly PermissionDecision[] = ['allow', 'deny', 'allow-session'];

export type ParsedMessage =
  { readonly ok: true; readonly message: WebviewMessage } | { readonly ok: false; readonly reason: string };

function field(value: UntrustedObject, key: string, max: number): string | undefined {
  const text = stringField(value, key);
  return text !== undefined && text.length <= max ? text : undefined;
}

/** Checks an untrusted message from the webview; the reason names what was wrong. */
export function parseWebviewMessage(value: unknown): ParsedMessage {
  if (!isObject(value)) {
    return { ok: false, reason: 'the message is not an object' };
  }
  switch (value.type) {
    case 'ready':
    case 'interrupt':
      return { ok: true, message: { type: value.type } };
    case 'send': {
      const text = field(value, 'text', MAX_PROMPT_CHARS);
      if (text === undefined || text.trim() === '') {
        return { ok: false, reason: `"send" needs a non-empty "text" of at most ${MAX_PROMPT_CHARS} characters` };
      }
      return { ok: true, message: { type: 'send', text } };
    }
    case 'permission': {
      const requestId = field(value, 'requestId', MAX_ID_CHARS);
      const decision = oneOf(DECISIONS, value.decision);
      if (!requestId || !decision) {
        return { ok: false, reason: `"permission" needs a "requestId" and a "decision" of ${DECISIONS.join(', ')}` };
      }
      return { ok: true, message: { type: 'permission', requestId, decision } };
    }
    case 'openLink': {
      const href = field(value, 'href', MAX_HREF_CHARS);
      if (!href) {
        return { ok: false, reason: '"openLink" needs an "href"' };
      }
      return { ok: true, message: { type: 'openLink', href } };
    }
    case 'worktree': {
      const action = oneOf(WORKTREE_ACTIONS, value.action);
      if (!action) {
        return { ok: false, reason: `"worktree" needs an "action" of ${WORKTREE_ACTIONS.join(', ')}` };
      }
      return { ok: true, message: { type: 'worktree', action } };
    }
    case 'rewind': {
      const entryId = value.entryId;
      if (typeof entryId !== 'number' || !Number.isSafeInteger(entryId) || entryId < 0) {
        return {
          ok: false,
          reason: `"rewind" needs an "entryId" that is a whole number, not ${describeValue(entryId)}`,
        };
      }
      return { ok: true, message: { type: 'rewind', entryId } };
    }
    default:
      return { ok: false, reason: `unknown message type ${describeValue(value.type)}` };
  }
}

/** The links the extension will open for the webview: web pages, nothing that runs or reads locally. */
export function isOpenableLink(href: string): boolean {
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
