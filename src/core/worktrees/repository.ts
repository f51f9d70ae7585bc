import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { classifyGitFailure, GitError, indexLockedReason } from './gitErrors';
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

export interface ProbedRepository extends RepositoryInfo {
  /** The commit the requested base names; HEAD's when no base was asked for. */
  readonly baseCommit: string;
}

const HEADS = 'refs/heads/';

/** Reads git's complaint about one `rev-parse` call into the GitError that names the cause. */
function probeFailure(folder: string, base: string | undefined, stdout: string, stderr: string): GitError {
  if (/must be run in a work tree/.test(stderr)) {
    return new GitError('not-a-repository', l10n.t('{0} is inside a git folder but not in a worktree', folder));
  }
  if (/bad revision 'HEAD(\^\{commit\})?'/.test(stderr)) {
    const root = stdout.split('\n')[0] ?? folder;
    return new GitError(
      'no-commits',
      l10n.t('the repository at {0} has no commits yet: commit once, then try again', root),
    );
  }
  if (base !== undefined && stderr.includes(`bad revision '${base}^{commit}'`)) {
    const root = stdout.split('\n')[0] ?? folder;
    return new GitError('bad-base', l10n.t('"{0}" is not a branch or commit in {1}', base, root));
  }
  return classifyGitFailure(['rev-parse'], folder, 128, stderr);
}

/**
 * Inspects the repository around `folder`, and resolves `base` to a commit, in ONE git call
 * (`rev-parse --show-toplevel HEAD^{commit} [<base>^{commit}] --symbolic-full-name HEAD --`): creating
 * a worktree is measured against a bare `git worktree add`, and each extra git process costs more
 * than the checks themselves. Rejects with a GitError saying what is missing: git itself, the
 * repository (`not-a-repository`), a first commit (`no-commits`), or a base that names no commit
 * (`bad-base`).
 */
export async function probeRepository(git: GitRunner, folder: string, base?: string): Promise<ProbedRepository> {
  if (base !== undefined && (base.startsWith('-') || base === '')) {
    throw new GitError('bad-base', l10n.t('"{0}" is not a branch or commit', base));
  }
  const revisions = ['HEAD^{commit}', ...(base === undefined ? [] : [`${base}^{commit}`])];
  const result = await git.run({
    cwd: folder,
    // --symbolic-full-name applies to every revision after it, so HEAD's name comes last.
    args: ['rev-parse', '--show-toplevel', ...revisions, '--symbolic-full-name', 'HEAD', '--'],
    okCodes: [128],
  });
  const stdout = result.stdout.toString('utf8');
  if (result.code !== 0) {
    throw probeFailure(folder, base, stdout, result.stderr);
  }
  const lines = stdout.split('\n');
  const [root, head] = lines;
  const baseCommit = base === undefined ? head : lines[2];
  const symbolic = lines[revisions.length + 1];
  if (!root || !head || !baseCommit || !symbolic) {
    throw new GitError(
      'failed',
      l10n.t('git rev-parse in {0} printed an unexpected answer: {1}', folder, JSON.stringify(stdout)),
    );
  }
  return {
    root: path.resolve(root),
    head,
    branch: symbolic.startsWith(HEADS) ? symbolic.slice(HEADS.length) : undefined,
    baseCommit,
  };
}

/** The repository around `folder`; see probeRepository for the failures. */
export async function inspectRepository(git: GitRunner, folder: string): Promise<RepositoryInfo> {
  const { root, head, branch } = await probeRepository(git, folder);
  return { root, head, branch };
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
    throw new GitError('index-locked', indexLockedReason(lock));
  }
}
