import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SessionManager } from '../../core/sessions/sessionManager';
import type { ToolDiff } from '../../shared/sessionModel';
import { numberField, oneOf, stringField } from '../../shared/untrusted';
import { readJsonQuery } from '../common/uriQuery';

/** Documents of this scheme are one side of a diff an agent's tool call carried; they are read-only. */
export const TOOL_DIFF_SCHEME = 'shepherd-diff';

type DiffSide = 'old' | 'new';

interface ToolDiffQuery {
  readonly sessionId: string;
  readonly entryId: number;
  readonly index: number;
  readonly side: DiffSide;
}

/** The URI of one side of a tool's diff; its path is the file's, so the editor picks the language. */
function toolDiffUri(file: string, query: ToolDiffQuery): vscode.Uri {
  return vscode.Uri.from({ scheme: TOOL_DIFF_SCHEME, path: file, query: JSON.stringify(query) });
}

function parseQuery(uri: vscode.Uri): ToolDiffQuery {
  const value = readJsonQuery(uri, vscode.l10n.t('a Shepherd diff URI'));
  const sessionId = stringField(value, 'sessionId');
  const entryId = numberField(value, 'entryId');
  const index = numberField(value, 'index');
  const side = oneOf<DiffSide>(['old', 'new'], value.side);
  if (sessionId === undefined || entryId === undefined || index === undefined || side === undefined) {
    throw new Error(
      vscode.l10n.t('{0} is not a Shepherd diff URI: it needs a sessionId, entryId, index and side', uri.toString()),
    );
  }
  return { sessionId, entryId, index, side };
}

/** The diff an entry of a session's transcript holds, or why there is none. */
function findDiff(sessions: SessionManager, sessionId: string, entryId: number, index: number): ToolDiff {
  const entry = sessions.transcript(sessionId).find((candidate) => candidate.id === entryId);
  const diff = entry?.kind === 'tool' ? entry.diffs?.[index] : undefined;
  if (!diff) {
    throw new Error(
      vscode.l10n.t('That change is no longer in the session (the transcript was trimmed or the session closed).'),
    );
  }
  return diff;
}

/** Serves the old (and proposed) text of a tool's diff from the session's transcript. */
export class ToolDiffProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly sessions: SessionManager) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const { sessionId, entryId, index, side } = parseQuery(uri);
    const diff = findDiff(this.sessions, sessionId, entryId, index);
    return side === 'old' ? (diff.oldText ?? '') : diff.newText;
  }
}

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (stat) => stat.isFile(),
    () => false,
  );
}

/** An agent names files absolutely; a relative path is taken from the session's folder. */
function resolveIn(cwd: string, file: string): string {
  return path.resolve(cwd, file);
}

/**
 * Opens *Open Diff*: the text before the change (read-only) against the file as it is now once the
 * tool has run, or against the proposed text while it has not (a change still waiting for permission).
 */
export async function openToolDiff(
  sessions: SessionManager,
  sessionId: string,
  cwd: string,
  at: { readonly entryId: number; readonly index: number },
): Promise<void> {
  const diff = findDiff(sessions, sessionId, at.entryId, at.index);
  const entry = sessions.transcript(sessionId).find((candidate) => candidate.id === at.entryId);
  const file = resolveIn(cwd, diff.path);
  const applied = entry?.kind === 'tool' && entry.status === 'completed' && (await isFile(file));
  const query = { sessionId, entryId: at.entryId, index: at.index };
  const left = toolDiffUri(file, { ...query, side: 'old' });
  const right = applied ? vscode.Uri.file(file) : toolDiffUri(file, { ...query, side: 'new' });
  const title = applied
    ? vscode.l10n.t("{0} (the agent's change)", path.basename(file))
    : vscode.l10n.t("{0} (the agent's proposal)", path.basename(file));
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
}

/** Opens a tool's location: an existing file, at the line the agent named (1-based). */
export async function openToolLocation(cwd: string, file: string, line: number | undefined): Promise<void> {
  const target = resolveIn(cwd, file);
  if (!(await isFile(target))) {
    throw new Error(vscode.l10n.t('{0} is not a file that can be opened.', target));
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(target));
  const at = new vscode.Position(Math.min(Math.max((line ?? 1) - 1, 0), document.lineCount - 1), 0);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(at, at), preview: true });
}
