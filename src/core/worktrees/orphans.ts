import * as path from 'node:path';
import { parseWorktreeList, WorktreeListEntry } from './gitParsers';
import { GitRunner } from './gitRunner';

/** The worktrees git knows for the repository at `repoRoot`, the main one first. */
export async function listWorktrees(git: GitRunner, repoRoot: string): Promise<WorktreeListEntry[]> {
  return parseWorktreeList(await git.text({ cwd: repoRoot, args: ['worktree', 'list', '--porcelain', '-z'] }));
}

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(candidate));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Worktrees under Shepherd's folder that belong to no session (a crash, a lost transcript): listed
 * in the tree so the user can open, review or remove them. Entries whose folder is gone are left to
 * pruneMissing.
 */
export async function findOrphanedWorktrees(
  git: GitRunner,
  repoRoot: string,
  worktreesFolder: string,
  sessionPaths: Iterable<string>,
): Promise<WorktreeListEntry[]> {
  const owned = new Set([...sessionPaths].map((p) => path.resolve(p)));
  return (await listWorktrees(git, repoRoot)).filter(
    (entry) => !entry.prunable && isInside(worktreesFolder, entry.path) && !owned.has(path.resolve(entry.path)),
  );
}

/**
 * Runs `git worktree prune` when a worktree's folder was deleted by hand; resolves with the paths
 * it forgot (empty, and no prune, when every folder is there).
 */
export async function pruneMissing(git: GitRunner, repoRoot: string): Promise<string[]> {
  const missing = (await listWorktrees(git, repoRoot)).filter((entry) => entry.prunable).map((entry) => entry.path);
  if (missing.length > 0) {
    await git.run({ cwd: repoRoot, args: ['worktree', 'prune'] });
  }
  return missing;
}
