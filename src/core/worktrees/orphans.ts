import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errnoCode, isObject, numberField, stringField } from '../../shared/untrusted';
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

/** The user kept a worktree when its session closed: when, and which session it was. */
export interface KeptNote {
  readonly keptAt: number;
  readonly sessionTitle: string;
}

/**
 * Kept in the worktree's own folder inside the repository's .git (`.git/worktrees/NAME`): git
 * ignores it there and deletes it with the worktree, and the user's files never show it.
 */
const KEPT_FILE = 'shepherd-kept.json';

async function keptFileOf(git: GitRunner, worktreePath: string): Promise<string> {
  const adminDir = (await git.text({ cwd: worktreePath, args: ['rev-parse', '--absolute-git-dir'] })).trim();
  return path.join(adminDir, KEPT_FILE);
}

/** Notes that the user kept this worktree as its session closed, so it is not shown as left behind. */
export async function markKept(git: GitRunner, worktreePath: string, note: KeptNote): Promise<void> {
  await fs.writeFile(await keptFileOf(git, worktreePath), `${JSON.stringify(note)}\n`);
}

/** A kept note that cannot be read: what the file is, and what is wrong with it. */
export class KeptNoteError extends Error {
  constructor(file: string, problem: string) {
    super(l10n.t('{0}: {1}; the worktree is shown as left behind', file, problem));
    this.name = 'KeptNoteError';
  }
}

/** The note markKept left, or undefined when the worktree was not kept (left by a crash, or a lost session). */
export async function readKept(git: GitRunner, worktreePath: string): Promise<KeptNote | undefined> {
  const file = await keptFileOf(git, worktreePath);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KeptNoteError(file, l10n.t('not JSON ({0})', String(error)));
  }
  const keptAt = isObject(value) ? numberField(value, 'keptAt') : undefined;
  const sessionTitle = isObject(value) ? stringField(value, 'sessionTitle') : undefined;
  if (keptAt === undefined || sessionTitle === undefined) {
    throw new KeptNoteError(file, l10n.t('needs a number "keptAt" and a string "sessionTitle"'));
  }
  return { keptAt, sessionTitle };
}
