import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import { pruneCheckpoints } from './checkpoints';
import { classifyGitFailure, GitError } from './gitErrors';
import { parseStatusV2, StatusEntry } from './gitParsers';
import { GitRunner } from './gitRunner';
import { assertIndexUnlocked, inspectRepository } from './repository';
import { buildReviewModel } from './reviewModel';
import { WorktreeInfo } from './worktreeModel';

/** Every path a status entry touches: both sides of a rename. */
function statusPaths(entries: readonly StatusEntry[]): string[] {
  return entries.flatMap((entry) => (entry.origPath === undefined ? [entry.path] : [entry.path, entry.origPath]));
}

async function dirtyPaths(git: GitRunner, cwd: string): Promise<string[]> {
  const status = parseStatusV2(
    await git.text({ cwd, args: ['status', '--porcelain=v2', '-z', '--untracked-files=all'] }),
  );
  return statusPaths(status.entries.filter((entry) => entry.kind !== 'ignored'));
}

/**
 * Keep branch: commits the agent's uncommitted work (untracked files included) on its branch with
 * `message`. Resolves with the new commit, or undefined when there was nothing to commit.
 */
export async function commitWork(git: GitRunner, worktree: WorktreeInfo, message: string): Promise<string | undefined> {
  if ((await dirtyPaths(git, worktree.path)).length === 0) {
    return undefined;
  }
  await git.run({ cwd: worktree.path, args: ['add', '-A', '--', '.'] });
  await git.run({ cwd: worktree.path, args: ['commit', '-q', '-m', message] });
  return (await git.text({ cwd: worktree.path, args: ['rev-parse', 'HEAD'] })).trim();
}

export type AcceptMode = 'merge' | 'squash';

export type AcceptResult =
  | { readonly outcome: 'merged'; readonly commit: string; readonly files: readonly string[] }
  /** Left for the user to resolve (VS Code's merge editor opens these); nothing was lost. */
  | { readonly outcome: 'conflicts'; readonly conflicted: readonly string[]; readonly files: readonly string[] };

export interface AcceptOptions {
  readonly mode: AcceptMode;
  /** Message of the commit holding the agent's uncommitted work, and of the merge or squash commit. */
  readonly message: string;
  /** Its checkpoints are pruned once the work is merged. */
  readonly sessionId: string;
}

/**
 * Merges (or squashes) the agent's branch, its uncommitted work committed first, into the branch
 * checked out in the main worktree. Refused, with the list, when the main worktree has uncommitted
 * changes to files the agent also changed; refused on a detached HEAD. A conflict is left in place
 * as git leaves it (conflict markers, unmerged index entries) for the merge editor.
 */
export async function acceptWorktree(
  git: GitRunner,
  worktree: WorktreeInfo,
  options: AcceptOptions,
): Promise<AcceptResult> {
  const main = await inspectRepository(git, worktree.repoRoot);
  if (main.branch === undefined) {
    throw new GitError(
      'detached-head',
      l10n.t('the main worktree {0} is on a detached HEAD: check out the branch to merge into first', main.root),
    );
  }
  await assertIndexUnlocked(git, main.root);
  await commitWork(git, worktree, options.message);
  const files = (
    await git.text({ cwd: main.root, args: ['diff', '--name-only', '-z', '--no-renames', `HEAD...${worktree.branch}`] })
  )
    .split('\0')
    .filter((name) => name !== '');
  const agentFiles = new Set(files);
  const blocking = (await dirtyPaths(git, main.root)).filter((file) => agentFiles.has(file));
  if (blocking.length > 0) {
    throw new GitError(
      'dirty-overlap',
      l10n.t(
        'the main worktree has uncommitted changes to {0} file(s) the agent also changed: {1}; commit or stash first',
        blocking.length,
        `${blocking.slice(0, 5).join(', ')}${blocking.length > 5 ? ', …' : ''}`,
      ),
      blocking,
    );
  }
  const mergeArgs =
    options.mode === 'merge'
      ? ['merge', '--no-ff', '--no-edit', '-m', options.message, worktree.branch]
      : ['merge', '--squash', worktree.branch];
  const merge = await git.run({ cwd: main.root, args: mergeArgs, okCodes: [1] });
  const conflicted = (await git.text({ cwd: main.root, args: ['diff', '--name-only', '-z', '--diff-filter=U'] }))
    .split('\0')
    .filter((name) => name !== '');
  if (conflicted.length > 0) {
    return { outcome: 'conflicts', conflicted, files };
  }
  if (merge.code !== 0) {
    throw classifyGitFailure(mergeArgs, main.root, merge.code, merge.stderr || merge.stdout.toString('utf8'));
  }
  if (options.mode === 'squash' && files.length > 0) {
    await git.run({ cwd: main.root, args: ['commit', '-q', '-m', options.message] });
  }
  await pruneCheckpoints(git, main.root, options.sessionId);
  return { outcome: 'merged', commit: (await git.text({ cwd: main.root, args: ['rev-parse', 'HEAD'] })).trim(), files };
}

export interface DiscardResult {
  /** Files that differed from the base (committed, uncommitted, untracked) and are gone now. */
  readonly lostFiles: number;
}

/** How many files a discard would lose: the number the confirmation quotes. */
export async function countDiscardedFiles(git: GitRunner, worktree: WorktreeInfo): Promise<number> {
  return (await buildReviewModel(git, worktree)).files.length;
}

/**
 * Discard: removes the worktree (with its uncommitted work), its branch and its checkpoints. A
 * worktree whose folder was already deleted by hand is pruned instead.
 */
export async function discardWorktree(
  git: GitRunner,
  worktree: WorktreeInfo,
  sessionId: string,
): Promise<DiscardResult> {
  const folderExists = await fs.stat(worktree.path).then(
    () => true,
    () => false,
  );
  const lostFiles = folderExists ? await countDiscardedFiles(git, worktree) : 0;
  await removeWorktree(git, worktree.repoRoot, worktree.path, folderExists);
  await git.run({ cwd: worktree.repoRoot, args: ['branch', '-D', '--', worktree.branch] });
  await pruneCheckpoints(git, worktree.repoRoot, sessionId);
  return { lostFiles };
}

/** `git worktree remove --force`, or `git worktree prune` when the folder is already gone. */
export async function removeWorktree(
  git: GitRunner,
  repoRoot: string,
  worktreePath: string,
  folderExists: boolean,
): Promise<void> {
  if (folderExists) {
    await git.run({ cwd: repoRoot, args: ['worktree', 'remove', '--force', '--', worktreePath] });
  } else {
    await git.run({ cwd: repoRoot, args: ['worktree', 'prune'] });
  }
}
