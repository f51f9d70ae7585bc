import * as path from 'node:path';
import * as vscode from 'vscode';
import { canResume } from '../../core/sessions/agentConfig';
import { HistoryItem, TranscriptHistory } from '../../core/sessions/transcripts/transcriptHistory';
import type { ShepherdContext } from '../context';
import { SessionUsage } from '../../shared/sessionModel';
import { describeSession } from './sessionPresentation';
import { exportTranscript, viewTranscript } from './transcriptDocuments';

/** Typing pauses this long before the transcripts are searched, so a search runs per word, not per key. */
const SEARCH_DELAY_MS = 150;
/** Shorter queries match too much to be worth reading every transcript for. */
const MIN_SEARCH_CHARS = 2;

export type HistoryContext = Pick<ShepherdContext, 'sessions' | 'panels' | 'agents' | 'tasks' | 'logger'>;

/** One row of Open Session…: an open session of this window, or a closed one from the store. */
export interface HistoryPick extends vscode.QuickPickItem {
  readonly sessionId: string;
  readonly closed: boolean;
}

function usageText(usage: SessionUsage): string {
  const tokens = vscode.l10n.t('{0} in / {1} out', usage.inputTokens, usage.outputTokens);
  return `${tokens} · $${usage.costUsd.toFixed(4)}`;
}

/** "Claude Code · shop · 02/12/2026, 10:32:01": the agent, the folder it ran in, and when it was last used. */
function describePlace(agentLabel: string, cwd: string | undefined, at: number): string {
  const folder = cwd === undefined ? undefined : path.basename(cwd);
  return [agentLabel, folder, new Date(at).toLocaleString()].filter(Boolean).join(' · ');
}

function closedPick(item: HistoryItem, agentLabel: string): HistoryPick {
  return {
    sessionId: item.id,
    closed: true,
    label: `$(history) ${item.title}`,
    description: describePlace(agentLabel, item.cwd, item.lastAt),
    detail: `${vscode.l10n.t('closed')} · ${usageText(item.usage)}`,
  };
}

/**
 * Open Session…: this window's sessions and the closed ones of the transcript store, newest first,
 * with their agent, folder, date, tokens and cost; typing also searches the transcripts' text (see
 * TranscriptHistory for the bounds). A closed session opens read-only, or continues where its agent
 * can resume the conversation.
 */
export class SessionHistory {
  private readonly history: TranscriptHistory | undefined;

  constructor(private readonly ctx: HistoryContext) {
    const store = ctx.sessions.store;
    this.history = store && new TranscriptHistory(store);
  }

  /**
   * The rows for `query`: every session, the ones whose transcript contains it shown with the words
   * found. `rows` is the listing to search in, when the picker already has it.
   */
  async items(query = '', rows: Promise<HistoryPick[]> = this.rows()): Promise<HistoryPick[]> {
    const picks = await rows;
    if (!this.history || query.trim().length < MIN_SEARCH_CHARS) {
      return picks;
    }
    const found = await this.history.search(query);
    for (const problem of found.problems) {
      this.ctx.logger.warn(`history: transcript not searched: ${problem}`);
    }
    const snippets = new Map(found.hits.map((hit) => [hit.id, hit.snippet]));
    return picks.map((pick) => {
      const snippet = snippets.get(pick.sessionId);
      return snippet === undefined ? pick : { ...pick, detail: `$(search) ${snippet}`, alwaysShow: true };
    });
  }

  /** This window's sessions and the closed ones of the store, newest first. */
  private async rows(): Promise<HistoryPick[]> {
    const open = this.ctx.sessions.list().map((view) => ({
      at: view.lastActivity,
      pick: {
        sessionId: view.id,
        closed: false,
        label: view.title,
        description: describePlace(view.agentLabel, this.ctx.sessions.placeOf(view.id)?.cwd, view.lastActivity),
        detail: describeSession(view),
      } satisfies HistoryPick,
    }));
    const listed = this.history ? await this.history.list() : { items: [], problems: [] };
    for (const problem of listed.problems) {
      this.ctx.logger.warn(`history: transcript not listed: ${problem}`);
    }
    const agents = this.ctx.agents();
    const closed = listed.items
      .filter((item) => item.closedAt !== undefined && !this.ctx.sessions.get(item.id))
      .map((item) => ({
        at: item.lastAt,
        pick: closedPick(item, agents.find((agent) => agent.id === item.agentId)?.label ?? item.agentId),
      }));
    return [...open, ...closed].sort((a, b) => b.at - a.at).map(({ pick }) => pick);
  }

  /** Shows the picker; resolves with the session opened (or viewed), if any. */
  async pick(): Promise<string | undefined> {
    const quickPick = vscode.window.createQuickPick<HistoryPick>();
    quickPick.placeholder = vscode.l10n.t('Open which session? Type to search the transcripts too.');
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    let timer: NodeJS.Timeout | undefined;
    let latest = 0;
    // Listed once per picker: typing only searches.
    const rows = this.rows();
    const load = (query: string): void => {
      const ticket = ++latest;
      quickPick.busy = true;
      void this.ctx.tasks.run('search session history', async () => {
        const items = await this.items(query, rows);
        if (ticket === latest) {
          quickPick.items = items;
          quickPick.busy = false;
        }
      });
    };
    quickPick.onDidChangeValue((value) => {
      clearTimeout(timer);
      timer = setTimeout(() => load(value), SEARCH_DELAY_MS);
    });
    load('');
    quickPick.show();
    const chosen = await new Promise<HistoryPick | undefined>((resolve) => {
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
      quickPick.onDidHide(() => resolve(undefined));
    });
    clearTimeout(timer);
    quickPick.dispose();
    return chosen && this.open(chosen);
  }

  private async open(chosen: HistoryPick): Promise<string | undefined> {
    const live = this.ctx.sessions.get(chosen.sessionId);
    if (live) {
      this.ctx.panels.open(live.id, live.title);
      return live.id;
    }
    return this.openClosed(chosen.sessionId);
  }

  /** A closed session: continue it where its agent can resume, view it read-only, or export it. */
  private async openClosed(id: string): Promise<string | undefined> {
    const store = this.ctx.sessions.store;
    if (!store) {
      return undefined;
    }
    const stored = await store.load(id);
    const agent = this.ctx.agents().find((candidate) => candidate.id === stored.agentId);
    const resumable = agent !== undefined && canResume(agent) && stored.resumeId !== undefined;
    const actions = [
      ...(resumable ? [{ label: vscode.l10n.t('Continue the Conversation'), action: 'continue' as const }] : []),
      { label: vscode.l10n.t('View Read-Only'), action: 'view' as const },
      { label: vscode.l10n.t('Export as Markdown'), action: 'export' as const },
    ];
    const choice = await vscode.window.showQuickPick(actions, {
      placeHolder: resumable
        ? vscode.l10n.t('"{0}" is closed. Continue it, or look at it?', stored.title)
        : vscode.l10n.t('"{0}" is closed, and its agent cannot resume it. Look at it?', stored.title),
    });
    switch (choice?.action) {
      case 'continue':
        // As for a new session: only the demo agent may start in Restricted Mode.
        if (agent && (vscode.workspace.isTrusted || agent.kind === 'demo')) {
          const view = await this.ctx.sessions.reopen(stored, agent);
          this.ctx.panels.open(view.id, view.title);
          return view.id;
        }
        throw new Error(vscode.l10n.t('Trust the workspace to continue a session with {0}.', agent?.label ?? ''));
      case 'view':
        await viewTranscript(id, stored.title);
        return id;
      case 'export':
        await exportTranscript(this.ctx, id);
        return id;
      default:
        return undefined;
    }
  }

  /** Deletes closed transcripts past the history's bound, in the background. */
  prune(): void {
    const history = this.history;
    if (!history) {
      return;
    }
    void this.ctx.tasks.run('prune session history', async () => {
      const { removed, problems } = await history.prune();
      for (const problem of problems) {
        this.ctx.logger.warn(`history: transcript not checked for pruning: ${problem}`);
      }
      if (removed.length > 0) {
        this.ctx.logger.info(`history: deleted ${removed.length} oldest closed transcripts`);
      }
    });
  }
}
