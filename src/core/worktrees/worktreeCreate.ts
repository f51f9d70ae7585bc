import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errnoCode } from '../../shared/untrusted';
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
  /** Where worktrees go (see worktreesFolderFor); `<repo>.worktrees` beside the repository when omitted. */
  readonly worktreesFolder?: string;
  /**
   * For a name Shepherd made up (a session's agent and start time): when its branch or folder is taken,
   * `-2`, `-3`… are tried instead of failing, so two sessions started in the same second both start.
   */
  readonly numberIfTaken?: boolean;
}

/** Names tried after the first when `numberIfTaken` is set; past them the last failure is reported. */
const MAX_NUMBERED_NAMES = 20;

/** The default home of a repository's worktrees: a sibling folder, so the main tree's watchers never see them. */
export function defaultWorktreesFolder(repoRoot: string): string {
  return `${repoRoot}.worktrees`;
}

/** Why a folder cannot be created, in words; a function because l10n is configured after this module loads. */
function folderErrorText(code: string): string {
  switch (code) {
    case 'EACCES':
      return l10n.t('permission denied');
    case 'EPERM':
      return l10n.t('operation not permitted');
    case 'EROFS':
      return l10n.t('the file system is read-only');
    case 'ENOSPC':
      return l10n.t('the disk is full');
    case 'EDQUOT':
      return l10n.t('the disk quota is used up');
    case 'ENOTDIR':
      return l10n.t('a part of the path is a file, not a folder');
    default:
      return code;
  }
}

/**
 * The folder a repository's worktrees go in: `shepherd.worktrees.folder` when set (`~/` is the home
 * folder; a relative path is taken from the repository's top folder, so `../trees` is a sibling), or
 * the default sibling `<repo>.worktrees`. Creating and the orphan scan both use this, so they agree.
 */
export function worktreesFolderFor(repoRoot: string, setting: string | undefined): string {
  if (setting === undefined) {
    return defaultWorktreesFolder(repoRoot);
  }
  const expanded = setting === '~' || setting.startsWith('~/') ? path.join(os.homedir(), setting.slice(1)) : setting;
  return path.resolve(repoRoot, expanded);
}

/**
 * Node's recursive mkdir says ENOENT for some failures of a step (a full disk), which would tell the
 * user nothing: a plain mkdir of the first missing folder under one that exists gives the real cause.
 */
async function mkdirCause(folder: string, code: string): Promise<string> {
  if (code !== 'ENOENT') {
    return code;
  }
  let missing = folder;
  while (path.dirname(missing) !== missing && !(await isFolder(path.dirname(missing)))) {
    missing = path.dirname(missing);
  }
  try {
    await fs.mkdir(missing);
  } catch (error) {
    return errnoCode(error) ?? code;
  }
  await fs.rmdir(missing);
  return code;
}

async function isFolder(candidate: string): Promise<boolean> {
  try {
    return (await fs.stat(candidate)).isDirectory();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') {
      return false;
    }
    throw error;
  }
}

/** Creates `folder` (and its parents), or says in plain words why it cannot be. */
async function ensureFolder(folder: string): Promise<void> {
  try {
    await fs.mkdir(folder, { recursive: true });
  } catch (error) {
    const code = await mkdirCause(folder, errnoCode(error) ?? 'unknown');
    throw new GitError(
      'folder-unavailable',
      l10n.t('the worktree folder {0} cannot be created: {1}', folder, folderErrorText(code)),
    );
  }
}

/** Whether `dir` exists and holds anything (git would refuse it, and the user's files must stay put). */
async function isTaken(dir: string): Promise<boolean> {
  const entries = await fs.readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return [];
    }
    throw new GitError(
      'folder-unavailable',
      l10n.t('the worktree folder {0} cannot be read: {1}', dir, error.code ?? error.message),
    );
  });
  return entries.length > 0;
}

/**
 * Creates `git worktree add -b shepherd/<slug> <dir> <base>` with `<dir>` outside the repository,
 * in two git calls: one `rev-parse` for every precondition, then `worktree add`. A failure names its
 * cause and leaves nothing half made: no repository, no commits, a detached HEAD with no base
 * picked, a base that names nothing, a folder that cannot be created (checked without git), and a
 * branch that already exists (git refuses before it makes anything; its words are recognised), unless
 * `numberIfTaken` lets it try the next name.
 */
export async function createWorktree(git: GitRunner, options: CreateWorktreeOptions): Promise<WorktreeInfo> {
  const repo = await probeRepository(git, options.folder, options.base);
  if (options.base === undefined && repo.branch === undefined) {
    throw new GitError(
      'detached-head',
      l10n.t(
        'HEAD is detached at {0} in {1}: check out a branch, or pick one as the base',
        repo.head.slice(0, 7),
        repo.root,
      ),
    );
  }
  const parent = worktreesFolderFor(repo.root, options.worktreesFolder);
  await ensureFolder(parent);
  const slug = slugify(options.name);
  const tries = options.numberIfTaken ? MAX_NUMBERED_NAMES : 1;
  for (let n = 1; ; n += 1) {
    const name = n === 1 ? slug : `${slug}-${n}`;
    const branch = `${BRANCH_PREFIX}${name}`;
    const dir = path.join(parent, name);
    if (await isTaken(dir)) {
      if (n < tries) {
        continue;
      }
      throw new GitError('folder-unavailable', l10n.t('the worktree folder {0} already exists and is not empty', dir));
    }
    try {
      await git.run({ cwd: repo.root, args: ['worktree', 'add', '-q', '-b', branch, '--', dir, repo.baseCommit] });
    } catch (error) {
      if (error instanceof GitError && error.reason === 'branch-exists' && n < tries) {
        continue;
      }
      throw error;
    }
    return {
      repoRoot: repo.root,
      path: dir,
      branch,
      baseCommit: repo.baseCommit,
      baseLabel: options.base ?? repo.branch ?? repo.head,
    };
  }
}
