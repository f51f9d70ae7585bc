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
import { sessionStateLabel } from '../sessions/sessionPresentation';
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
    throw new Error(vscode.l10n.t('{0} has no messages to rewind to.', target.title));
  }
  return (await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Rewind to before which message?') }))
    ?.entryId;
}

/** Restores `checkpoint`, then offers Undo, which restores the state the rewind replaced (and is undoable too). */
async function restoreWithUndo(
  deps: RewindDeps,
  target: RewindTarget,
  checkpoint: Checkpoint,
  what: string,
): Promise<void> {
  const result = await restoreCheckpoint(deps.git, target.worktree.path, target.sessionId, checkpoint);
  const message = vscode.l10n.t('{0}: {1} file(s) of {2} put back.', what, result.files.length, target.worktree.branch);
  deps.notifier.info(message, {
    title: vscode.l10n.t('Undo'),
    run: () =>
      restoreWithUndo(deps, target, result.undo, vscode.l10n.t('Rewind undone')).catch((error: unknown) =>
        deps.notifier.error(
          vscode.l10n.t(
            'Shepherd: the rewind of {0} was not undone: {1}',
            target.worktree.branch,
            describeError(error),
          ),
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
    throw new Error(
      vscode.l10n.t(
        '{0} is {1}: interrupt the agent or wait for its turn to end, then rewind.',
        target.title,
        sessionStateLabel(state),
      ),
    );
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
    throw new Error(vscode.l10n.t('Message {0} is not one of your messages in {1}.', picked, target.title));
  }
  const checkpoint = await findCheckpoint(deps.git, target.worktree.path, target.sessionId, label);
  if (!checkpoint) {
    throw new Error(
      vscode.l10n.t(
        'There is no checkpoint from before that message in {0} (the turn before it did not end normally).',
        target.title,
      ),
    );
  }
  const files = await changesSince(deps.git, target.worktree.path, checkpoint);
  if (files.length === 0) {
    deps.notifier.info(
      vscode.l10n.t('No file changed in {0} since that message: nothing to rewind.', target.worktree.branch),
    );
    return;
  }
  const text = users.find((entry) => entry.id === picked)?.text ?? '';
  const rewind = vscode.l10n.t('Rewind');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      'Rewind {0} to before "{1}"? {2} file(s) change: {3}. The current state is kept first, so Undo puts it back.',
      target.title,
      quoteMessage(text),
      files.length,
      fileList(files),
    ),
    { modal: true },
    rewind,
  );
  if (answer === rewind) {
    await restoreWithUndo(deps, target, checkpoint, vscode.l10n.t('Rewound'));
  }
}
