import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseNumstat, parseStatusV2 } from './gitParsers';
import { GitRunner } from './gitRunner';
import { WorktreeInfo } from './worktreeModel';

/** What the tree shows for a worktree session on each tick. */
export interface WorktreeSummary {
  /** The branch checked out, or undefined if the agent detached HEAD. */
  readonly branch: string | undefined;
  /** Files that differ from the base: committed, uncommitted and untracked. */
  readonly changedFiles: number;
  readonly insertions: number;
  readonly deletions: number;
  /** Of `changedFiles`, how many are untracked. */
  readonly untracked: number;
}

/**
 * At most this many worktree summaries run at once. Each is a `git status` that stats every file of
 * its worktree: ten at the same moment would take every core of a small machine away from the
 * extension host, whose event loop then runs late although it does nothing itself.
 */
export const SUMMARY_LANES = 2;

/**
 * An untracked file larger than this counts as changed but its lines are not counted: reading it
 * on every tick would cost more than the number is worth.
 */
const MAX_COUNTED_UNTRACKED_BYTES = 1024 * 1024;

/** Lines of an untracked text file, 0 for binary or large files and for files gone since status ran. */
async function countLines(file: string): Promise<number> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > MAX_COUNTED_UNTRACKED_BYTES) {
      return 0;
    }
    const content = await fs.readFile(file);
    if (content.includes(0)) {
      return 0;
    }
    let lines = 0;
    for (const byte of content) {
      lines += byte === 0x0a ? 1 : 0;
    }
    return content.length > 0 && content[content.length - 1] !== 0x0a ? lines + 1 : lines;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return 0;
    }
    throw error;
  }
}

/**
 * The changed-file count and +/- lines of a worktree against its base, from two git calls:
 * `git status --porcelain=v2 -z` (branch and untracked files) and `git diff --numstat -z <base>`
 * (every tracked change since the base, committed or not). Neither takes the index lock.
 */
export async function summarizeWorktree(git: GitRunner, worktree: WorktreeInfo): Promise<WorktreeSummary> {
  const status = parseStatusV2(
    await git.text({
      cwd: worktree.path,
      args: ['status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all'],
    }),
  );
  const numstat = parseNumstat(
    await git.text({ cwd: worktree.path, args: ['diff', '--numstat', '-z', '--no-renames', worktree.baseCommit] }),
  );
  const untracked = status.entries.filter((entry) => entry.kind === 'untracked').map((entry) => entry.path);
  let insertions = 0;
  let deletions = 0;
  for (const entry of numstat) {
    insertions += entry.insertions ?? 0;
    deletions += entry.deletions ?? 0;
  }
  for (const file of untracked) {
    insertions += await countLines(path.join(worktree.path, file));
  }
  return {
    branch: status.branch,
    changedFiles: numstat.length + untracked.length,
    insertions,
    deletions,
    untracked: untracked.length,
  };
}
