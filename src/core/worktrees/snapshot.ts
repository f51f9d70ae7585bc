import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GitRunner } from './gitRunner';

/** A worktree's full state (tracked and untracked, ignored files aside) as a git tree. */
export interface Snapshot {
  readonly tree: string;
}

/**
 * Runs `work` with a temporary index that holds the worktree's files exactly as they are on disk.
 * The worktree's own index is copied (so only changed files are hashed again) and never written:
 * the agent's staging area, its index.lock and the stash list are untouched.
 */
export async function withWorktreeIndex<T>(
  git: GitRunner,
  worktree: string,
  work: (env: Readonly<Record<string, string>>) => Promise<T>,
): Promise<T> {
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-index-'));
  const indexFile = path.join(scratch, `index-${randomUUID()}`);
  const env = { GIT_INDEX_FILE: indexFile };
  try {
    const realIndex = path.resolve(
      worktree,
      (await git.text({ cwd: worktree, args: ['rev-parse', '--git-path', 'index'] })).trim(),
    );
    const copied = await fs.copyFile(realIndex, indexFile).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') {
          throw error;
        }
        return false;
      },
    );
    if (!copied) {
      await git.run({ cwd: worktree, args: ['read-tree', 'HEAD'], env });
    }
    await git.run({ cwd: worktree, args: ['add', '-A', '--', '.'], env });
    return await work(env);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/** Writes the worktree's current files as a tree object without touching its index. */
export async function snapshotWorktree(git: GitRunner, worktree: string): Promise<Snapshot> {
  return withWorktreeIndex(git, worktree, async (env) => ({
    tree: (await git.text({ cwd: worktree, args: ['write-tree'], env })).trim(),
  }));
}
