// What the worktree features say and show, as pure functions (no vscode), so they are unit-tested.
import * as l10n from '@vscode/l10n';
import { KeptNote } from '../../core/worktrees/orphans';
import { ReviewFile } from '../../core/worktrees/reviewModel';
import { WorktreeSummary } from '../../core/worktrees/worktreeStatus';

/** "shepherd/x from main · 2 files +10 −3"; without a summary yet, only the branch and its base. */
export function describeWorktree(branch: string, base: string, summary: WorktreeSummary | undefined): string {
  if (!summary) {
    return l10n.t('{0} from {1}', branch, base);
  }
  const files = summary.changedFiles === 1 ? l10n.t('1 file') : l10n.t('{0} files', summary.changedFiles);
  const from = l10n.t('{0} from {1}', summary.branch ?? branch, base);
  return `${from} · ${files} +${summary.insertions} −${summary.deletions}`;
}

/** A worktree without a session in the tree: its branch, and "kept" when the user kept it on close. */
export function describeOrphan(branch: string | undefined, kept: KeptNote | undefined): string {
  const name = branch ?? l10n.t('detached HEAD');
  return kept ? l10n.t('{0} · kept', name) : name;
}

/** Its tooltip: where it is, and how it came to have no session. */
export function orphanTooltip(worktreePath: string, kept: KeptNote | undefined): string {
  const why = kept
    ? l10n.t(
        'Kept when the session "{0}" closed, {1}: open, review or remove it.',
        kept.sessionTitle,
        new Date(kept.keptAt).toLocaleString(),
      )
    : l10n.t('No session owns this worktree: its session was lost. Open, review or remove it.');
  return `${worktreePath}\n${why}`;
}

/** Files named in a confirmation; the rest are counted. */
const FILES_NAMED = 5;

/** "a, b, c, d, e and 3 more". */
export function fileList(files: readonly string[]): string {
  const named = files.slice(0, FILES_NAMED).join(', ');
  return files.length > FILES_NAMED ? l10n.t('{0} and {1} more', named, files.length - FILES_NAMED) : named;
}

/** Longest quote of a user message in a question. */
const QUOTE_LENGTH = 60;

/** A user message quoted in a question: its first line, cut with an ellipsis when long. */
export function quoteMessage(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > QUOTE_LENGTH ? `${line.slice(0, QUOTE_LENGTH - 1)}…` : line;
}

/** One side of a file's diff: the file at a revision, the file on disk, or nothing (added or deleted). */
export type DiffSide =
  | { readonly kind: 'revision'; readonly path: string }
  | { readonly kind: 'disk'; readonly path: string }
  | { readonly kind: 'empty'; readonly path: string };

/**
 * The two sides of a reviewed file: the base's version (under its old name for a rename) against the
 * worktree's file on disk, with an empty side for an added or a deleted file.
 */
export function reviewSides(file: ReviewFile): { readonly original: DiffSide; readonly modified: DiffSide } {
  return {
    original:
      file.change === 'added'
        ? { kind: 'empty', path: file.path }
        : { kind: 'revision', path: file.oldPath ?? file.path },
    modified: file.change === 'deleted' ? { kind: 'empty', path: file.path } : { kind: 'disk', path: file.path },
  };
}

/**
 * What the multi-diff editor shows: its title (naming the binary files, which are listed, not
 * diffed) and the files it diffs.
 */
export function reviewContent(
  title: string,
  branch: string,
  base: string,
  files: readonly ReviewFile[],
): { readonly title: string; readonly diffed: readonly ReviewFile[] } {
  const binaries = files.filter((file) => file.binary).map((file) => file.path);
  const heading = l10n.t('{0}: {1} vs {2}', title, branch, base);
  const note = binaries.length === 0 ? '' : l10n.t(' (binary, not diffed: {0})', fileList(binaries));
  return { title: `${heading}${note}`, diffed: files.filter((file) => !file.binary) };
}

/** What "Run the agent where?" offers; `unavailable` is the worktree option shown disabled. */
export type PlaceChoice = 'folder' | 'worktree' | 'worktree-from' | 'unavailable';

/** One item of "Run the agent where?" (a vscode.QuickPickItem with its choice). */
export interface PlaceItem {
  readonly choice: PlaceChoice;
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
}

/**
 * The items of "Run the agent where?": the workspace folder, then a new worktree from HEAD's branch
 * (or commit) or from another branch; outside a repository, the worktree option with the reason it
 * cannot be had.
 */
export function placeItems(repo: { readonly branch: string | undefined; readonly head: string } | Error): PlaceItem[] {
  const folder: PlaceItem = {
    choice: 'folder',
    label: `$(folder) ${l10n.t('Workspace folder')}`,
    description: l10n.t('edit files in place'),
  };
  if (repo instanceof Error) {
    return [
      folder,
      {
        choice: 'unavailable',
        label: `$(circle-slash) ${l10n.t('New worktree (unavailable)')}`,
        detail: repo.message,
      },
    ];
  }
  const from = repo.branch ?? repo.head.slice(0, 7);
  return [
    folder,
    {
      choice: 'worktree',
      label: `$(git-branch) ${l10n.t('New worktree')}`,
      description: l10n.t('from {0}, on a shepherd/ branch', from),
    },
    { choice: 'worktree-from', label: `$(git-branch) ${l10n.t('New worktree from another branch…')}` },
  ];
}
