import * as path from 'node:path';
import * as vscode from 'vscode';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { buildReviewModel, ReviewFile } from '../../core/worktrees/reviewModel';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import { gitShowUri } from './gitShowProvider';

type ChangeTriple = [resource: vscode.Uri, original: vscode.Uri, modified: vscode.Uri];

/** The [resource, original, modified] triple `vscode.changes` takes for one file. */
function tripleFor(worktree: WorktreeInfo, file: ReviewFile): ChangeTriple {
  const onDisk = vscode.Uri.file(path.join(worktree.path, file.path));
  const original =
    file.change === 'added'
      ? gitShowUri(worktree.path, '', file.path)
      : gitShowUri(worktree.path, worktree.baseCommit, file.oldPath ?? file.path);
  const modified = file.change === 'deleted' ? gitShowUri(worktree.path, '', file.path) : onDisk;
  return [onDisk, original, modified];
}

/**
 * Opens VS Code's multi-file diff editor on everything the agent changed against the base
 * (committed, uncommitted and untracked, deletions and renames included). Binary files are listed
 * in the title, not diffed. Resolves with the number of files shown.
 */
export async function openReview(git: GitRunner, worktree: WorktreeInfo, title: string): Promise<number> {
  const model = await buildReviewModel(git, worktree);
  if (model.files.length === 0) {
    void vscode.window.showInformationMessage(`Shepherd: ${title} has no changes against ${worktree.baseLabel}.`);
    return 0;
  }
  const binaries = model.files.filter((file) => file.binary).map((file) => file.path);
  const text = model.files.filter((file) => !file.binary);
  const binaryNote = binaries.length === 0 ? '' : ` (binary, not diffed: ${binaries.join(', ')})`;
  await vscode.commands.executeCommand(
    'vscode.changes',
    `${title}: ${worktree.branch} vs ${worktree.baseLabel}${binaryNote}`,
    text.map((file) => tripleFor(worktree, file)),
  );
  return model.files.length;
}
