import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GitError } from './gitErrors';
import { GitRunner } from './gitRunner';

/** What Shepherd needs to know about the repository a workspace folder belongs to. */
export interface RepositoryInfo {
  /** The top folder of the worktree `folder` lies in. */
  readonly root: string;
  /** The commit HEAD points at. */
  readonly head: string;
  /** The checked-out branch's short name; undefined when HEAD is detached. */
  readonly branch: string | undefined;
}

/**
 * Inspects the repository around `folder`. Rejects with a GitError saying what is missing: git
 * itself, the repository (`not-a-repository`), or a first commit (`no-commits`).
 */
export async function inspectRepository(git: GitRunner, folder: string): Promise<RepositoryInfo> {
  const root = (await git.text({ cwd: folder, args: ['rev-parse', '--show-toplevel'] })).trim();
  if (root === '') {
    throw new GitError('not-a-repository', `${folder} is inside a git folder but not in a worktree`);
  }
  const head = await git.run({ cwd: root, args: ['rev-parse', '--verify', '-q', 'HEAD^{commit}'], okCodes: [1] });
  if (head.code !== 0) {
    throw new GitError('no-commits', `the repository at ${root} has no commits yet: commit once, then try again`);
  }
  const branch = await git.run({ cwd: root, args: ['symbolic-ref', '-q', '--short', 'HEAD'], okCodes: [1] });
  return {
    root: path.resolve(root),
    head: head.stdout.toString('utf8').trim(),
    branch: branch.code === 0 ? branch.stdout.toString('utf8').trim() : undefined,
  };
}

/** The commit `revision` names, or a `bad-base` GitError saying it names none. */
export async function resolveCommit(git: GitRunner, root: string, revision: string): Promise<string> {
  if (revision.startsWith('-')) {
    throw new GitError('bad-base', `"${revision}" is not a branch or commit`);
  }
  const result = await git.run({
    cwd: root,
    args: ['rev-parse', '--verify', '-q', '--end-of-options', `${revision}^{commit}`],
    okCodes: [1],
  });
  if (result.code !== 0) {
    throw new GitError('bad-base', `"${revision}" is not a branch or commit in ${root}`);
  }
  return result.stdout.toString('utf8').trim();
}

/** True when refs/heads/<branch> exists. */
export async function branchExists(git: GitRunner, root: string, branch: string): Promise<boolean> {
  const result = await git.run({
    cwd: root,
    args: ['show-ref', '--verify', '-q', `refs/heads/${branch}`],
    okCodes: [1],
  });
  return result.code === 0;
}

/**
 * Rejects with `index-locked`, naming the lock file, when another git command holds the index of
 * the worktree at `cwd`. Checked before a merge because git's own message for it ("Automatic merge
 * failed; fix conflicts") would send the user looking for conflicts that do not exist.
 */
export async function assertIndexUnlocked(git: GitRunner, cwd: string): Promise<void> {
  const lock = path.resolve(cwd, (await git.text({ cwd, args: ['rev-parse', '--git-path', 'index.lock'] })).trim());
  const locked = await fs.stat(lock).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        return false;
      }
      throw error;
    },
  );
  if (locked) {
    throw new GitError(
      'index-locked',
      `the index is locked by ${lock}; another git command is running, or one crashed and left the lock behind ` +
        '(remove it once no git command runs)',
    );
  }
}
