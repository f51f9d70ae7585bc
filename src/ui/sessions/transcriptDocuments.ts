import * as vscode from 'vscode';
import { transcriptMarkdown } from '../../core/sessions/transcripts/transcriptMarkdown';
import type { ShepherdContext } from '../context';
import { readJsonQuery } from '../common/uriQuery';

/** Read-only transcripts of closed sessions: documents a content provider serves, so they cannot be edited. */
export const TRANSCRIPT_SCHEME = 'shepherd-transcript';

export type TranscriptDocumentContext = Pick<ShepherdContext, 'sessions' | 'agents'>;

/** A file name for the tab: the title without characters a path or a tab would trip on. */
function fileName(title: string): string {
  const name = title
    .replace(/[\\/:*?"<>|\s]+/g, ' ')
    .trim()
    .slice(0, 60);
  return `${name === '' ? 'transcript' : name}.md`;
}

/**
 * A session's transcript as safe Markdown (see transcriptMarkdown): an open session's from memory,
 * a closed one's from the store. Rejects with a message naming the session when there is neither.
 */
export async function markdownOfSession(ctx: TranscriptDocumentContext, id: string): Promise<string> {
  const live = ctx.sessions.get(id);
  if (live) {
    return transcriptMarkdown({
      title: live.title,
      agentLabel: live.agentLabel,
      cwd: ctx.sessions.placeOf(id)?.cwd,
      createdAt: live.createdAt,
      usage: live.usage,
      entries: ctx.sessions.transcript(id),
    });
  }
  const store = ctx.sessions.store;
  if (!store) {
    throw new Error(vscode.l10n.t('There is no session "{0}", and no transcripts are kept.', id));
  }
  const stored = await store.load(id);
  const agent = ctx.agents().find((candidate) => candidate.id === stored.agentId);
  return transcriptMarkdown({ ...stored, cwd: stored.cwd, agentLabel: agent?.label ?? stored.agentId });
}

/** Serves `shepherd-transcript:` documents: a session's transcript, read when the document opens. */
export class TranscriptDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly ctx: TranscriptDocumentContext) {}

  provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { id } = readJsonQuery(uri, vscode.l10n.t('a Shepherd transcript URI'));
    if (typeof id !== 'string') {
      throw new Error(
        vscode.l10n.t('{0} is not a Shepherd transcript URI: its query names no session "id"', uri.toString()),
      );
    }
    return markdownOfSession(this.ctx, id);
  }
}

/** Shows a session's transcript as a read-only Markdown document. */
export async function viewTranscript(id: string, title: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.from({
    scheme: TRANSCRIPT_SCHEME,
    path: `/${fileName(title)}`,
    query: JSON.stringify({ id }),
  });
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: true });
}

/** Export Transcript as Markdown: an untitled Markdown document the user can save where they like. */
export async function exportTranscript(ctx: TranscriptDocumentContext, id: string): Promise<vscode.TextEditor> {
  const content = await markdownOfSession(ctx, id);
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  return vscode.window.showTextDocument(document);
}
