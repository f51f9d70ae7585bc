import * as l10n from '@vscode/l10n';

/** Why a git operation could not be done; the UI picks its wording and remedy from this. */
export type GitFailureReason =
  | 'git-missing'
  | 'not-a-repository'
  | 'no-commits'
  | 'detached-head'
  | 'bad-base'
  | 'branch-exists'
  | 'index-locked'
  | 'folder-unavailable'
  | 'dirty-overlap'
  | 'output-too-large'
  | 'timeout'
  | 'failed';

/**
 * A git operation that failed, with a message that says what was wrong and where. `files` lists the
 * paths the failure is about (the main tree's dirty files that block a merge), so nothing is hidden.
 */
export class GitError extends Error {
  constructor(
    readonly reason: GitFailureReason,
    message: string,
    readonly files: readonly string[] = [],
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** The last lines of git's stderr, enough to say why it failed without flooding a notification. */
const STDERR_LINES_IN_MESSAGE = 4;

function lastLines(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.slice(-STDERR_LINES_IN_MESSAGE).join(' / ');
}

/**
 * Turns a failed git call into a GitError whose reason is recognised from git's stderr (git runs
 * with LC_ALL=C, so these English phrases are stable).
 */
/** Why git cannot write its index now, and what to do: said by a failed call and by the check before one. */
export function indexLockedReason(lockFile: string): string {
  return l10n.t(
    'the index is locked by {0}; another git command is running, or one crashed and left the lock behind ({1})',
    lockFile,
    l10n.t('remove it once no git command runs'),
  );
}

export function classifyGitFailure(args: readonly string[], cwd: string, code: number, stderr: string): GitError {
  const detail = lastLines(stderr) || l10n.t('exit code {0}', code);
  const command = `git ${args.slice(0, 2).join(' ')}`;
  const lock = /Unable to create '([^']+\.lock)': File exists/.exec(stderr);
  if (lock) {
    return new GitError('index-locked', l10n.t('{0} failed in {1}: {2}', command, cwd, indexLockedReason(lock[1])));
  }
  if (/not a git repository/i.test(stderr)) {
    return new GitError('not-a-repository', l10n.t('{0} is not inside a git repository', cwd));
  }
  const branch = /a branch named '([^']+)' already exists/.exec(stderr);
  if (branch) {
    return new GitError('branch-exists', l10n.t('a branch named "{0}" already exists; pick another name', branch[1]));
  }
  return new GitError('failed', l10n.t('{0} failed in {1}: {2}', command, cwd, detail));
}
