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
/** Longer than any path a file system accepts (PATH_MAX is 4,096 on Linux). */
const MAX_PATH_CHARS = 4_096;

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
  | { readonly type: 'rewind'; readonly entryId: number }
  /** The mode picker: ACP `session/set_mode` with one of the agent's mode ids. */
  | { readonly type: 'setMode'; readonly modeId: string }
  /** A tool's location clicked: the file at the line (1-based), if the agent named one. */
  | { readonly type: 'openLocation'; readonly path: string; readonly line: number | undefined }
  /**
   * *Open Diff* on a tool entry's diff, named by entry id and index only: the extension reads the diff
   * from its own transcript, never from the page.
   */
  | { readonly type: 'openDiff'; readonly entryId: number; readonly index: number };

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

/** A whole number in [min, 2^31): ids, indexes and line numbers from the page. */
function countField(value: UntrustedObject, key: string, min: number): number | undefined {
  const number = value[key];
  return typeof number === 'number' && Number.isInteger(number) && number >= min && number < 2 ** 31
    ? number
    : undefined;
}

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
    case 'setMode': {
      const modeId = field(value, 'modeId', MAX_ID_CHARS);
      if (!modeId) {
        return { ok: false, reason: `"setMode" needs a "modeId" of 1 to ${MAX_ID_CHARS} characters` };
      }
      return { ok: true, message: { type: 'setMode', modeId } };
    }
    case 'openLocation': {
      const path = field(value, 'path', MAX_PATH_CHARS);
      const line = countField(value, 'line', 1);
      if (!path || path.includes('\0') || (value.line !== undefined && line === undefined)) {
        return { ok: false, reason: '"openLocation" needs a "path" and, if any, a "line" that is a whole number >= 1' };
      }
      return { ok: true, message: { type: 'openLocation', path, line } };
    }
    case 'openDiff': {
      const entryId = countField(value, 'entryId', 0);
      const index = countField(value, 'index', 0);
      if (entryId === undefined || index === undefined) {
        return { ok: false, reason: '"openDiff" needs an "entryId" and an "index" that are whole numbers >= 0' };
      }
      return { ok: true, message: { type: 'openDiff', entryId, index } };
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
