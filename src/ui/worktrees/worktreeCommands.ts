import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { describeError, Logger } from '../../core/base/logger';
import { SessionManager } from '../../core/sessions/sessionManager';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { markKept } from '../../core/worktrees/orphans';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import {
  AcceptMode,
  acceptWorktree,
  commitWork,
  countDiscardedFiles,
  discardWorktree,
} from '../../core/worktrees/worktreeOutcome';
import { CommandHandler, registerGuardedCommand } from '../commands/commandGuard';
import { WORKTREE_COMMANDS, WorktreeCommandKey } from '../commands/commandIds';
import { Notifier } from '../common/notifier';
import { isWorkerNode } from '../workers/workersTree';
import { openMergeEditor } from './mergeConflicts';
import { openFileReview, openReview } from './reviewChanges';
import { rewindTurn } from './rewindTurn';
import { SessionWorktrees } from './sessionWorktrees';

export interface WorktreeCommandDeps {
  readonly git: GitRunner;
  readonly worktrees: SessionWorktrees;
  readonly manager: SessionManager;
  readonly notifier: Notifier;
  readonly logger: Logger;
}

/** Conflicted files opened in a merge editor each; the notification names them all. */
const MERGE_EDITORS_OPENED = 5;

interface Target {
  readonly sessionId: string;
  readonly title: string;
  readonly worktree: WorktreeInfo;
}

/** The worktree session a command acts on: from the tree (the agent's worker), an id, or a pick. */
async function resolveTarget(deps: WorktreeCommandDeps, arg: unknown): Promise<Target | undefined> {
  const id = isWorkerNode(arg) ? deps.manager.sessionOfWorker(arg.id)?.id : typeof arg === 'string' ? arg : undefined;
  if (id !== undefined) {
    const worktree = deps.worktrees.get(id);
    if (!worktree) {
      throw new Error(vscode.l10n.t('The session "{0}" does not run in a worktree.', id));
    }
    return { sessionId: id, title: deps.manager.get(id)?.title ?? id, worktree };
  }
  const items = deps.worktrees.entries().map(([sessionId, worktree]) => ({
    label: deps.manager.get(sessionId)?.title ?? path.basename(worktree.path),
    description: vscode.l10n.t('{0} from {1}', worktree.branch, worktree.baseLabel),
    target: { sessionId, title: deps.manager.get(sessionId)?.title ?? sessionId, worktree },
  }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Shepherd: no session runs in a worktree.'));
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Which session’s worktree?') }))
    ?.target;
}

async function askMessage(target: Target, prompt: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    prompt,
    value: vscode.l10n.t('{0} (Shepherd session)', target.title),
    validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('A commit message is needed') : undefined),
  });
}

/** How to accept: merge or squash, and the commit message; asked for unless a caller gave them. */
async function askAcceptance(
  target: Target,
  into: string,
  given: { readonly mode: unknown; readonly message: unknown },
): Promise<{ mode: AcceptMode; message: string } | undefined> {
  // Only strings count as given: a tree's context menu passes its selection after the row.
  if (typeof given.mode === 'string' || typeof given.message === 'string') {
    if (
      (given.mode !== 'merge' && given.mode !== 'squash') ||
      typeof given.message !== 'string' ||
      !given.message.trim()
    ) {
      throw new Error(
        vscode.l10n.t('Accept Changes takes a mode ("merge" or "squash") and a non-empty commit message, or neither.'),
      );
    }
    return { mode: given.mode, message: given.message };
  }
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: vscode.l10n.t('Merge into {0}', into),
        mode: 'merge' as AcceptMode,
        description: vscode.l10n.t('keeps the agent’s commits'),
      },
      {
        label: vscode.l10n.t('Squash into {0}', into),
        mode: 'squash' as AcceptMode,
        description: vscode.l10n.t('one commit'),
      },
    ],
    { placeHolder: vscode.l10n.t('Accept the changes of {0}', target.title) },
  );
  const message = picked && (await askMessage(target, vscode.l10n.t('Message of the commit')));
  return picked && message !== undefined ? { mode: picked.mode, message } : undefined;
}

async function accept(
  deps: WorktreeCommandDeps,
  target: Target,
  given: { readonly mode: unknown; readonly message: unknown },
): Promise<void> {
  const into = (await deps.git.text({ cwd: target.worktree.repoRoot, args: ['branch', '--show-current'] })).trim();
  const answer = await askAcceptance(target, into, given);
  if (!answer) {
    return;
  }
  const { message } = answer;
  const result = await acceptWorktree(deps.git, target.worktree, {
    mode: answer.mode,
    message,
    sessionId: target.sessionId,
  });
  if (result.outcome === 'conflicts') {
    deps.notifier.warn(
      vscode.l10n.t(
        'Merging {0} stopped on conflicts in {1}. ' +
          'Resolve each in the merge editor, save, then commit in the main tree; nothing is lost meanwhile.',
        target.worktree.branch,
        result.conflicted.join(', '),
      ),
    );
    for (const file of result.conflicted.slice(0, MERGE_EDITORS_OPENED)) {
      await openMergeEditor(deps.logger, {
        repoRoot: target.worktree.repoRoot,
        file,
        branch: target.worktree.branch,
        into,
      });
    }
    return;
  }
  deps.notifier.info(
    vscode.l10n.t('{0} file(s) from {1} are now in {2}.', result.files.length, target.worktree.branch, into),
  );
}

async function keep(deps: WorktreeCommandDeps, target: Target): Promise<void> {
  const message = await askMessage(
    target,
    vscode.l10n.t("Commit the agent's uncommitted work on {0}", target.worktree.branch),
  );
  if (message === undefined) {
    return;
  }
  const commit = await commitWork(deps.git, target.worktree, message);
  deps.notifier.info(
    commit === undefined
      ? vscode.l10n.t('{0} had nothing uncommitted; it is kept as it is.', target.worktree.branch)
      : vscode.l10n.t(
          'The work is committed on {0} ({1}), ready for a pull request.',
          target.worktree.branch,
          commit.slice(0, 7),
        ),
  );
}

async function discard(deps: WorktreeCommandDeps, target: Target): Promise<void> {
  const lost = await countDiscardedFiles(deps.git, target.worktree);
  const discardButton = vscode.l10n.t('Discard');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      'Discard {0}? {1} changed file(s) would be lost, with the worktree at {2} and its branch.',
      target.worktree.branch,
      lost,
      target.worktree.path,
    ),
    { modal: true },
    discardButton,
  );
  if (answer !== discardButton) {
    return;
  }
  const result = await discardWorktree(deps.git, target.worktree, target.sessionId);
  deps.worktrees.delete(target.sessionId);
  deps.notifier.info(
    vscode.l10n.t('{0} is discarded ({1} changed file(s)).', target.worktree.branch, result.lostFiles),
  );
}

/**
 * Before a worktree session closes: with changes, asks whether to keep them (the worktree and its
 * branch stay, listed afterwards as kept under "Worktrees without a session") or discard them; without changes the
 * worktree is removed, as nothing would be lost. False when the user cancelled the close.
 */
export async function settleBeforeClose(deps: WorktreeCommandDeps, sessionId: string): Promise<boolean> {
  const worktree = deps.worktrees.get(sessionId);
  if (!worktree) {
    return true;
  }
  const title = deps.manager.get(sessionId)?.title ?? sessionId;
  // A folder deleted by hand has nothing left to lose: discarding it only prunes git's record.
  const exists = await fs.stat(worktree.path).then(
    () => true,
    () => false,
  );
  const changed = exists ? await countDiscardedFiles(deps.git, worktree) : 0;
  const discardButton = vscode.l10n.t('Discard');
  const answer =
    changed === 0
      ? discardButton
      : await vscode.window.showWarningMessage(
          vscode.l10n.t(
            '{0} changed {1} file(s) in {2}. Keep them (the worktree and branch stay, ' +
              'to accept or review later) or discard them?',
            title,
            changed,
            worktree.branch,
          ),
          { modal: true },
          vscode.l10n.t('Keep'),
          discardButton,
        );
  if (answer === undefined) {
    return false;
  }
  if (answer === discardButton) {
    await discardWorktree(deps.git, worktree, sessionId);
    deps.worktrees.delete(sessionId);
  } else {
    await noteKept(deps, worktree.path, title);
  }
  return true;
}

/** Notes the choice, so the tree shows the worktree as kept, not lost; the close goes on if that fails. */
async function noteKept(deps: WorktreeCommandDeps, worktreePath: string, sessionTitle: string): Promise<void> {
  try {
    await markKept(deps.git, worktreePath, { keptAt: Date.now(), sessionTitle });
  } catch (error) {
    deps.logger.warn(`could not note that ${worktreePath} is kept: ${describeError(error)}`);
  }
}

function handlers(deps: WorktreeCommandDeps): Record<WorktreeCommandKey, CommandHandler> {
  const withTarget =
    (run: (target: Target) => Promise<unknown>): CommandHandler =>
    async (arg) => {
      const target = await resolveTarget(deps, arg);
      try {
        return target && (await run(target));
      } finally {
        // Accept, keep and discard change what the tree shows even when the agent is idle.
        if (target) {
          deps.worktrees.markStale(target.sessionId);
        }
      }
    };
  return {
    review: withTarget((target) => openReview(deps.git, target.worktree, target.title)),
    // From a caller: (session id, the file's path); from the palette or the tree, the file is picked.
    reviewFile: async (arg, filePath) => {
      const target = await resolveTarget(deps, arg);
      const file = typeof filePath === 'string' ? filePath : undefined;
      return target && openFileReview(deps.git, target.worktree, target.title, file);
    },
    // From a caller: (session id, "merge" | "squash", message) accepts without asking.
    accept: async (arg, mode, message) => withTarget((target) => accept(deps, target, { mode, message }))(arg),
    keep: withTarget((target) => keep(deps, target)),
    discard: withTarget((target) => discard(deps, target)),
    // From the panel: (session id, the user message's entry id); from the palette: both picked.
    rewind: async (arg, entryId) => {
      const target = await resolveTarget(deps, arg);
      try {
        return target && (await rewindTurn(deps, target, typeof entryId === 'number' ? entryId : undefined));
      } finally {
        if (target) {
          deps.worktrees.markStale(target.sessionId);
        }
      }
    },
  };
}

/** Registers Review Changes, Accept, Keep Branch, Discard and Rewind. */
export function registerWorktreeCommands(deps: WorktreeCommandDeps, store: DisposableStore): void {
  const table = handlers(deps);
  for (const key of Object.keys(WORKTREE_COMMANDS) as WorktreeCommandKey[]) {
    registerGuardedCommand(store, WORKTREE_COMMANDS[key], table[key], deps);
  }
}
