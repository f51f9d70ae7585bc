import * as vscode from 'vscode';
import { describeError } from '../../core/base/logger';
import { SessionManager } from '../../core/sessions/sessionManager';
import {
  changesSince,
  Checkpoint,
  checkpointBefore,
  findCheckpoint,
  restoreCheckpoint,
} from '../../core/worktrees/checkpoints';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import { Notifier } from '../common/notifier';
import { fileList, quoteMessage } from './worktreeWording';

export interface RewindDeps {
  readonly git: GitRunner;
  readonly manager: SessionManager;
  readonly notifier: Notifier;
}

export interface RewindTarget {
  readonly sessionId: string;
  readonly title: string;
  readonly worktree: WorktreeInfo;
}

/** Session states in which the agent may be writing files: a rewind then would race it. */
const BUSY_STATES: ReadonlySet<string> = new Set(['busy', 'stalled', 'waiting-for-input', 'starting']);

async function pickUserMessage(deps: RewindDeps, target: RewindTarget): Promise<number | undefined> {
  const items = deps.manager
    .transcript(target.sessionId)
    .flatMap((entry) => (entry.kind === 'user' ? [{ label: quoteMessage(entry.text), entryId: entry.id }] : []))
    .reverse();
  if (items.length === 0) {
    throw new Error(`${target.title} has no messages to rewind to.`);
  }
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Rewind to before which message?' }))?.entryId;
}

/** Restores `checkpoint`, then offers Undo, which restores the state the rewind replaced (and is undoable too). */
async function restoreWithUndo(
  deps: RewindDeps,
  target: RewindTarget,
  checkpoint: Checkpoint,
  what: string,
): Promise<void> {
  const result = await restoreCheckpoint(deps.git, target.worktree.path, target.sessionId, checkpoint);
  deps.notifier.info(`${what}: ${result.files.length} file(s) of ${target.worktree.branch} put back.`, {
    title: 'Undo',
    run: () =>
      restoreWithUndo(deps, target, result.undo, 'Rewind undone').catch((error: unknown) =>
        deps.notifier.error(
          `Shepherd: the rewind of ${target.worktree.branch} was not undone: ${describeError(error)}`,
        ),
      ),
  });
}

/**
 * "Rewind to before this turn": puts the worktree's files back to the checkpoint recorded when the
 * previous turn ended (or at the start), after a confirmation naming the files that would change.
 * The current state is recorded first, so the rewind can be undone. Refused while the agent works.
 */
export async function rewindTurn(deps: RewindDeps, target: RewindTarget, entryId: number | undefined): Promise<void> {
  const state = deps.manager.get(target.sessionId)?.state;
  if (state !== undefined && BUSY_STATES.has(state)) {
    throw new Error(`${target.title} is ${state}: interrupt the agent or wait for its turn to end, then rewind.`);
  }
  const picked = entryId ?? (await pickUserMessage(deps, target));
  if (picked === undefined) {
    return;
  }
  const users = deps.manager.transcript(target.sessionId).filter((entry) => entry.kind === 'user');
  const label = checkpointBefore(
    users.map((entry) => entry.id),
    picked,
  );
  if (label === undefined) {
    throw new Error(`Message ${picked} is not one of your messages in ${target.title}.`);
  }
  const checkpoint = await findCheckpoint(deps.git, target.worktree.path, target.sessionId, label);
  if (!checkpoint) {
    throw new Error(
      `There is no checkpoint from before that message in ${target.title} (the turn before it did not end normally).`,
    );
  }
  const files = await changesSince(deps.git, target.worktree.path, checkpoint);
  if (files.length === 0) {
    deps.notifier.info(`No file changed in ${target.worktree.branch} since that message: nothing to rewind.`);
    return;
  }
  const text = users.find((entry) => entry.id === picked)?.text ?? '';
  const answer = await vscode.window.showWarningMessage(
    `Rewind ${target.title} to before "${quoteMessage(text)}"? ${files.length} file(s) change: ${fileList(files)}. ` +
      'The current state is kept first, so Undo puts it back.',
    { modal: true },
    'Rewind',
  );
  if (answer === 'Rewind') {
    await restoreWithUndo(deps, target, checkpoint, 'Rewound');
  }
}
