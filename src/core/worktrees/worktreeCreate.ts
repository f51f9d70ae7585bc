import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GitError } from './gitErrors';
import { GitRunner } from './gitRunner';
import { probeRepository } from './repository';
import { BRANCH_PREFIX, slugify, WorktreeInfo } from './worktreeModel';

export interface CreateWorktreeOptions {
  /** Any folder inside the repository (the workspace folder). */
  readonly folder: string;
  /** Free text the branch and folder names are made from; see slugify. */
  readonly name: string;
  /** A branch or commit to start from; HEAD's branch when omitted. */
  readonly base?: string;
  /** Where worktrees go; `<repo>.worktrees` beside the repository when omitted. */
  readonly worktreesFolder?: string;
}

/** The default home of a repository's worktrees: a sibling folder, so the main tree's watchers never see them. */
export function defaultWorktreesFolder(repoRoot: string): string {
  return `${repoRoot}.worktrees`;
}

const FOLDER_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a part of the path is a file, not a folder',
};

/** Creates `folder` (and its parents), or says in plain words why it cannot be. */
async function ensureFolder(folder: string): Promise<void> {
  try {
    await fs.mkdir(folder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new GitError(
      'folder-unavailable',
      `the worktree folder ${folder} cannot be created: ${FOLDER_ERRORS[code] ?? code}`,
    );
  }
}

/** Rejects when `dir` exists and holds anything: git would refuse, and the user's files must stay put. */
async function ensureFreeTarget(dir: string): Promise<void> {
  const entries = await fs.readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return [];
    }
    throw new GitError(
      'folder-unavailable',
      `the worktree folder ${dir} cannot be read: ${error.code ?? error.message}`,
    );
  });
  if (entries.length > 0) {
    throw new GitError('folder-unavailable', `the worktree folder ${dir} already exists and is not empty`);
  }
}

/**
 * Creates `git worktree add -b shepherd/<slug> <dir> <base>` with `<dir>` outside the repository,
 * in two git calls: one `rev-parse` for every precondition, then `worktree add`. A failure names its
 * cause and leaves nothing half made: no repository, no commits, a detached HEAD with no base
 * picked, a base that names nothing, a folder that cannot be created (checked without git), and a
 * branch that already exists (git refuses before it makes anything; its words are recognised).
 */
export async function createWorktree(git: GitRunner, options: CreateWorktreeOptions): Promise<WorktreeInfo> {
  const repo = await probeRepository(git, options.folder, options.base);
  if (options.base === undefined && repo.branch === undefined) {
    throw new GitError(
      'detached-head',
      `HEAD is detached at ${repo.head.slice(0, 7)} in ${repo.root}: check out a branch, or pick one as the base`,
    );
  }
  const slug = slugify(options.name);
  const branch = `${BRANCH_PREFIX}${slug}`;
  const parent = path.resolve(options.worktreesFolder ?? defaultWorktreesFolder(repo.root));
  const dir = path.join(parent, slug);
  await ensureFolder(parent);
  await ensureFreeTarget(dir);
  await git.run({ cwd: repo.root, args: ['worktree', 'add', '-q', '-b', branch, '--', dir, repo.baseCommit] });
  return {
    repoRoot: repo.root,
    path: dir,
    branch,
    baseCommit: repo.baseCommit,
    baseLabel: options.base ?? repo.branch ?? repo.head,
  };
}
