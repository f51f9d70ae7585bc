import { describeError } from '../../base/logger';
import { SessionUsage, TranscriptEntry } from '../../../shared/sessionModel';
import { DailyUsage } from '../usageSummary';
import { StoredSession } from './storedSession';
import { TranscriptStore } from './transcriptStore';

/**
 * History lists and searches this many transcripts, the most recently saved; closing a session
 * deletes the oldest closed ones past it, so the store never grows without end.
 */
export const MAX_HISTORY_SESSIONS = 200;
/** A search stops reading after this much of the transcript files (about 16 full transcripts of 4 MiB). */
export const MAX_SEARCH_CHARS = 64 * 1024 * 1024;
/** More hits than this are more than a picker can show usefully. */
export const MAX_SEARCH_HITS = 50;
/** Characters of context either side of a hit in its snippet. */
const SNIPPET_CONTEXT_CHARS = 40;

/** One past or open session, as history shows it. */
export interface HistoryItem {
  readonly id: string;
  readonly title: string;
  readonly agentId: string;
  readonly cwd: string | undefined;
  readonly createdAt: number;
  /** The time of its last transcript entry (its creation when it has none). */
  readonly lastAt: number;
  readonly usage: SessionUsage;
  /** Per day, by the turns' end times; empty for transcripts older than per-day records. */
  readonly dailyUsage: readonly DailyUsage[];
  readonly closedAt: number | undefined;
  /** The agent gave a conversation id, so a new process can continue it. */
  readonly hasResumeId: boolean;
}

export interface SearchHit {
  readonly id: string;
  /** The hit in its context, on one line. */
  readonly snippet: string;
}

export interface SearchResult {
  readonly hits: readonly SearchHit[];
  /** The search stopped at MAX_SEARCH_CHARS or MAX_SEARCH_HITS before the last transcript. */
  readonly truncated: boolean;
  /** Transcripts that could not be read, each with the reason. */
  readonly problems: readonly string[];
}

function itemOf(session: StoredSession): HistoryItem {
  return {
    id: session.id,
    title: session.title,
    agentId: session.agentId,
    cwd: session.cwd,
    createdAt: session.createdAt,
    lastAt: session.entries.reduce((last, entry) => Math.max(last, entry.at), session.createdAt),
    usage: session.usage,
    dailyUsage: session.dailyUsage ?? [],
    closedAt: session.closedAt,
    hasResumeId: session.resumeId !== undefined,
  };
}

/** The texts of an entry a search looks in: what was said, and what tools were given and gave back. */
function textsOf(entry: TranscriptEntry): string[] {
  switch (entry.kind) {
    case 'tool':
      return [entry.name, entry.input, entry.output ?? ''];
    case 'permission':
      return [entry.toolName, entry.input];
    case 'plan':
      return entry.items.map((item) => item.content);
    default:
      return [entry.text];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function snippetAt(text: string, index: number, length: number): string {
  const start = Math.max(0, index - SNIPPET_CONTEXT_CHARS);
  const end = Math.min(text.length, index + length + SNIPPET_CONTEXT_CHARS);
  const body = text.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}

/**
 * Past and open sessions read from the transcript store, for Open Session…: listed newest first,
 * and searched by the words of their transcripts. Both are bounded (see the constants above).
 */
export class TranscriptHistory {
  constructor(private readonly store: TranscriptStore) {}

  /** The most recent sessions, newest first; unreadable transcripts are named in `problems`. */
  async list(): Promise<{ items: HistoryItem[]; problems: string[] }> {
    const items: HistoryItem[] = [];
    const problems: string[] = [];
    for (const id of await this.store.recentIds(MAX_HISTORY_SESSIONS)) {
      try {
        items.push(itemOf(await this.store.load(id)));
      } catch (error) {
        problems.push(`${id}.json: ${describeError(error)}`);
      }
    }
    return { items: items.sort((a, b) => b.lastAt - a.lastAt), problems };
  }

  /**
   * The sessions whose title or transcript contains `query` (ignoring case), most recently saved
   * first, each with a snippet around its first hit. Unreadable transcripts are skipped.
   */
  async search(query: string): Promise<SearchResult> {
    const needle = query.trim();
    if (needle === '') {
      return { hits: [], truncated: false, problems: [] };
    }
    const pattern = new RegExp(escapeRegExp(needle), 'iu');
    // JSON escapes only quotes, backslashes and control characters: without them, a match in the
    // transcript's text is a match in its file's text too.
    const verbatim = !/["\\\u0000-\u001f]/.test(needle);
    const hits: SearchHit[] = [];
    const problems: string[] = [];
    let charsRead = 0;
    const ids = await this.store.recentIds(MAX_HISTORY_SESSIONS);
    for (const [index, id] of ids.entries()) {
      if (hits.length >= MAX_SEARCH_HITS || charsRead >= MAX_SEARCH_CHARS) {
        return { hits, truncated: index < ids.length, problems };
      }
      let session: StoredSession;
      try {
        const text = await this.store.loadText(id);
        charsRead += text.length;
        // Most transcripts do not match: those are skipped before the (much slower) validating parse.
        if (verbatim && !pattern.test(text)) {
          continue;
        }
        session = TranscriptStore.parse(text);
      } catch (error) {
        problems.push(`${id}.json: ${describeError(error)}`);
        continue;
      }
      const texts = [session.title, ...session.entries.flatMap(textsOf)];
      const hit = this.firstHit(texts, pattern, needle.length);
      if (hit !== undefined) {
        hits.push({ id, snippet: hit });
      }
    }
    return { hits, truncated: false, problems };
  }

  /**
   * Deletes the oldest closed sessions beyond MAX_HISTORY_SESSIONS. An unreadable file is not known
   * to be closed, so it stays (named in `problems`) for the user to look at.
   */
  async prune(): Promise<{ removed: string[]; problems: string[] }> {
    const ids = await this.store.recentIds(Number.MAX_SAFE_INTEGER);
    const closed: Array<{ id: string; closedAt: number }> = [];
    const problems: string[] = [];
    for (const id of ids) {
      try {
        const session = await this.store.load(id);
        if (session.closedAt !== undefined) {
          closed.push({ id, closedAt: session.closedAt });
        }
      } catch (error) {
        problems.push(`${id}.json: ${describeError(error)}`);
      }
    }
    const excess = closed.sort((a, b) => b.closedAt - a.closedAt).slice(MAX_HISTORY_SESSIONS);
    for (const { id } of excess) {
      await this.store.remove(id);
    }
    return { removed: excess.map(({ id }) => id), problems };
  }

  private firstHit(texts: readonly string[], pattern: RegExp, length: number): string | undefined {
    for (const text of texts) {
      const index = text.search(pattern);
      if (index >= 0) {
        return snippetAt(text, index, length);
      }
    }
    return undefined;
  }
}
