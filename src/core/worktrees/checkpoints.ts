import * as l10n from '@vscode/l10n';
import { GitError } from './gitErrors';
import { GitRunner } from './gitRunner';
import { withWorktreeIndex } from './snapshot';

/** Root of every ref Shepherd keeps; never fetched or pushed by a default refspec. */
const CHECKPOINT_NAMESPACE = 'refs/shepherd';
/**
 * Checkpoint commits are internal: a fixed identity means they work in a repository with no
 * user.name configured, and are recognisable in `git log --all`.
 */
const CHECKPOINT_IDENTITY: Readonly<Record<string, string>> = {
  GIT_AUTHOR_NAME: 'Shepherd',
  GIT_AUTHOR_EMAIL: 'shepherd@localhost',
  GIT_COMMITTER_NAME: 'Shepherd',
  GIT_COMMITTER_EMAIL: 'shepherd@localhost',
};

/** A recorded state of a worktree, restorable with restoreCheckpoint. */
export interface Checkpoint {
  /** `refs/shepherd/<session>/<turn>`, or `.../undo-<n>` for the state a rewind replaced. */
  readonly ref: string;
  /** The checkpoint commit: its tree is the files, its parent the HEAD at that moment. */
  readonly commit: string;
  readonly tree: string;
  readonly head: string;
}

/** A session id or label that is one safe ref component (no slashes, dots first, `..` or `.lock`). */
function refComponent(value: string, what: 'session' | 'label'): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(value) || value.includes('..') || value.endsWith('.lock')) {
    throw new GitError(
      'failed',
      what === 'session'
        ? l10n.t('session id "{0}" cannot be part of a git ref name', value)
        : l10n.t('checkpoint label "{0}" cannot be part of a git ref name', value),
    );
  }
  return value;
}

export function checkpointRef(sessionId: string, label: string): string {
  return `${CHECKPOINT_NAMESPACE}/${refComponent(sessionId, 'session')}/${refComponent(label, 'label')}`;
}

/**
 * Records the worktree's full state (tracked and untracked) as a commit kept under
 * `refs/shepherd/<session>/<label>`: a tree written from a temporary index and `commit-tree`, so
 * the stash list, the index and the branch are untouched. Called at the end of each turn with the
 * turn's number as the label.
 */
export async function recordCheckpoint(
  git: GitRunner,
  worktree: string,
  sessionId: string,
  label: string,
): Promise<Checkpoint> {
  const ref = checkpointRef(sessionId, label);
  const tree = await withWorktreeIndex(git, worktree, async (env) =>
    (await git.text({ cwd: worktree, args: ['write-tree'], env })).trim(),
  );
  const head = (await git.text({ cwd: worktree, args: ['rev-parse', '--verify', 'HEAD^{commit}'] })).trim();
  const commit = (
    await git.text({
      cwd: worktree,
      args: ['commit-tree', tree, '-p', head, '-m', `shepherd checkpoint ${sessionId} ${label}`],
      env: CHECKPOINT_IDENTITY,
    })
  ).trim();
  await git.run({ cwd: worktree, args: ['update-ref', ref, commit] });
  return { ref, commit, tree, head };
}

const CHECKPOINT_FORMAT = '--format=%(refname) %(objectname) %(tree) %(parent)';

function parseCheckpoints(text: string): Checkpoint[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [ref, commit, tree, head] = line.split(' ');
      if (ref === undefined || commit === undefined || tree === undefined || head === undefined) {
        throw new GitError('failed', l10n.t('checkpoint {0} is not a Shepherd checkpoint commit', ref ?? line));
      }
      return { ref, commit, tree, head };
    });
}

/** Every checkpoint of a session, in git's ref order. */
export async function listCheckpoints(git: GitRunner, cwd: string, sessionId: string): Promise<Checkpoint[]> {
  const prefix = `${CHECKPOINT_NAMESPACE}/${refComponent(sessionId, 'session')}/`;
  return parseCheckpoints(await git.text({ cwd, args: ['for-each-ref', CHECKPOINT_FORMAT, prefix] }));
}

/** The checkpoint of a session's turn (or undo point), or undefined when there is none. */
export async function findCheckpoint(
  git: GitRunner,
  cwd: string,
  sessionId: string,
  label: string,
): Promise<Checkpoint | undefined> {
  const ref = checkpointRef(sessionId, label);
  return parseCheckpoints(await git.text({ cwd, args: ['for-each-ref', CHECKPOINT_FORMAT, ref] })).find(
    (checkpoint) => checkpoint.ref === ref,
  );
}

/** Files whose content differs between the checkpoint and the worktree now: what a rewind would undo. */
export async function changesSince(git: GitRunner, worktree: string, checkpoint: Checkpoint): Promise<string[]> {
  return withWorktreeIndex(git, worktree, async (env) => {
    const now = (await git.text({ cwd: worktree, args: ['write-tree'], env })).trim();
    const text = await git.text({
      cwd: worktree,
      args: ['diff', '--name-only', '-z', '--no-renames', checkpoint.tree, now],
    });
    return text.split('\0').filter((name) => name !== '');
  });
}

export interface RewindResult {
  /** The state just before the rewind: restore it to undo the rewind. */
  readonly undo: Checkpoint;
  /** Files written or removed by the rewind. */
  readonly files: readonly string[];
}

/**
 * Puts the worktree's files (and its branch, if the agent committed since) back to `checkpoint`.
 * The current state is recorded first as `undo-<n>`, so the rewind is itself undoable by restoring
 * that checkpoint. Files come back through a two-tree `read-tree -m -u` on a temporary index that
 * matches the disk, so untracked files the agent created are removed and ignored files are kept.
 */
export async function restoreCheckpoint(
  git: GitRunner,
  worktree: string,
  sessionId: string,
  checkpoint: Checkpoint,
): Promise<RewindResult> {
  const undoCount = (await listCheckpoints(git, worktree, sessionId)).filter((c) => /\/undo-\d+$/.test(c.ref)).length;
  const undo = await recordCheckpoint(git, worktree, sessionId, `undo-${undoCount + 1}`);
  const files = await withWorktreeIndex(git, worktree, async (env) => {
    const changed = await git.text({
      cwd: worktree,
      args: ['diff', '--name-only', '-z', '--no-renames', undo.tree, checkpoint.tree],
    });
    await git.run({ cwd: worktree, args: ['read-tree', '-m', '-u', undo.tree, checkpoint.tree], env });
    return changed.split('\0').filter((name) => name !== '');
  });
  if (undo.head !== checkpoint.head) {
    // The agent committed since: its branch goes back too, and the index follows HEAD so the
    // restored files show as they are against it. The working files were set just above.
    await git.run({ cwd: worktree, args: ['reset', '-q', '--mixed', checkpoint.head] });
  }
  return { undo, files };
}

/** The label of the checkpoint of a worktree as it was created, before the first turn. */
export const START_CHECKPOINT = 'start';

/** The label of the checkpoint recorded when the turn begun by the user message `entryId` ended. */
export function turnCheckpointLabel(entryId: number): string {
  return `turn-${entryId}`;
}

/**
 * Which checkpoint "before the turn of the user message `entryId`" is: the one recorded when the
 * previous turn ended, or the start for the first message. Undefined when `entryId` is not one of
 * `userEntryIds` (the ids of the session's user messages, in order).
 */
export function checkpointBefore(userEntryIds: readonly number[], entryId: number): string | undefined {
  const index = userEntryIds.indexOf(entryId);
  if (index < 0) {
    return undefined;
  }
  const previous = userEntryIds[index - 1];
  return previous === undefined ? START_CHECKPOINT : turnCheckpointLabel(previous);
}

/** Deletes every checkpoint of a session (on accept or discard), in one `update-ref --stdin`. */
export async function pruneCheckpoints(git: GitRunner, cwd: string, sessionId: string): Promise<number> {
  const refs = (await listCheckpoints(git, cwd, sessionId)).map((checkpoint) => checkpoint.ref);
  if (refs.length > 0) {
    await git.run({ cwd, args: ['update-ref', '--stdin'], input: refs.map((ref) => `delete ${ref}\n`).join('') });
  }
  return refs.length;
}
