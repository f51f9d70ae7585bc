import * as path from 'node:path';
import * as vscode from 'vscode';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { buildReviewModel, ReviewFile } from '../../core/worktrees/reviewModel';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import { gitShowUri } from './gitShowProvider';
import { DiffSide, reviewContent, reviewSides } from './worktreeWording';

type ChangeTriple = [resource: vscode.Uri, original: vscode.Uri, modified: vscode.Uri];

function sideUri(worktree: WorktreeInfo, side: DiffSide): vscode.Uri {
  switch (side.kind) {
    case 'disk':
      return vscode.Uri.file(path.join(worktree.path, side.path));
    case 'revision':
      return gitShowUri(worktree.path, worktree.baseCommit, side.path);
    case 'empty':
      return gitShowUri(worktree.path, '', side.path);
  }
}

/** The [resource, original, modified] triple `vscode.changes` takes for one file. */
function tripleFor(worktree: WorktreeInfo, file: ReviewFile): ChangeTriple {
  const { original, modified } = reviewSides(file);
  return [
    vscode.Uri.file(path.join(worktree.path, file.path)),
    sideUri(worktree, original),
    sideUri(worktree, modified),
  ];
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
  const content = reviewContent(title, worktree.branch, worktree.baseLabel, model.files);
  await vscode.commands.executeCommand(
    'vscode.changes',
    content.title,
    content.diffed.map((file) => tripleFor(worktree, file)),
  );
  return model.files.length;
}
