import { NameStatusEntry, parseNameStatus, parseNumstat, parseStatusV2 } from './gitParsers';
import { GitRunner } from './gitRunner';
import { snapshotWorktree } from './snapshot';
import { WorktreeInfo } from './worktreeModel';

export type ReviewChange = 'added' | 'modified' | 'deleted' | 'renamed';

/** One file the agent changed against the base. */
export interface ReviewFile {
  readonly path: string;
  /** The path at the base, for a rename. */
  readonly oldPath?: string;
  readonly change: ReviewChange;
  /** Listed, not diffed. */
  readonly binary: boolean;
  /** Not known to git yet in the worktree (never added). */
  readonly untracked: boolean;
  readonly insertions: number;
  readonly deletions: number;
}

export interface ReviewModel {
  readonly worktree: WorktreeInfo;
  /** The tree holding every file as it is now (committed, uncommitted and untracked). */
  readonly tree: string;
  readonly files: readonly ReviewFile[];
}

const CHANGES: Readonly<Record<NameStatusEntry['status'], ReviewChange>> = {
  A: 'added',
  M: 'modified',
  T: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'added',
};

/**
 * Everything the agent changed against the base, committed, uncommitted and untracked alike,
 * renames and deletions included: the base commit is compared with a snapshot of the worktree
 * taken through a temporary index, so the agent's own index is never touched.
 */
export async function buildReviewModel(git: GitRunner, worktree: WorktreeInfo): Promise<ReviewModel> {
  const status = parseStatusV2(
    await git.text({ cwd: worktree.path, args: ['status', '--porcelain=v2', '-z', '--untracked-files=all'] }),
  );
  const untracked = new Set(status.entries.filter((e) => e.kind === 'untracked').map((e) => e.path));
  const { tree } = await snapshotWorktree(git, worktree.path);
  const range = [worktree.baseCommit, tree];
  const names = parseNameStatus(
    await git.text({ cwd: worktree.path, args: ['diff', '--name-status', '-z', '-M', ...range] }),
  );
  const stats = new Map(
    parseNumstat(await git.text({ cwd: worktree.path, args: ['diff', '--numstat', '-z', '-M', ...range] })).map(
      (entry) => [entry.path, entry],
    ),
  );
  const files = names.map((entry): ReviewFile => {
    const stat = stats.get(entry.path);
    const binary = stat !== undefined && stat.insertions === undefined;
    return {
      path: entry.path,
      ...(entry.oldPath === undefined ? {} : { oldPath: entry.oldPath }),
      change: CHANGES[entry.status],
      binary,
      untracked: untracked.has(entry.path),
      insertions: stat?.insertions ?? 0,
      deletions: stat?.deletions ?? 0,
    };
  });
  return { worktree, tree, files };
}

/** The content of `file` at `revision` (a commit or tree), for the diff editor's original side. */
export async function readAtRevision(git: GitRunner, cwd: string, revision: string, file: string): Promise<Buffer> {
  return (await git.run({ cwd, args: ['show', `${revision}:${file}`] })).stdout;
}
