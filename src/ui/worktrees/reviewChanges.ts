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
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Shepherd: {0} has no changes against {1}.', title, worktree.baseLabel),
    );
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

const CHANGE_WORDS: Readonly<Record<ReviewFile['change'], string>> = {
  added: vscode.l10n.t('added'),
  modified: vscode.l10n.t('modified'),
  deleted: vscode.l10n.t('deleted'),
  renamed: vscode.l10n.t('renamed'),
};

async function pickFile(files: readonly ReviewFile[], title: string): Promise<ReviewFile | undefined> {
  const items = files.map((file) => ({
    label: file.path,
    description: file.binary
      ? vscode.l10n.t('{0}, binary', CHANGE_WORDS[file.change])
      : `${CHANGE_WORDS[file.change]} +${file.insertions} −${file.deletions}`,
    ...(file.oldPath === undefined ? {} : { detail: vscode.l10n.t('from {0}', file.oldPath) }),
    file,
  }));
  return (await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Which file of {0}?', title) }))?.file;
}

/**
 * Opens one changed file alone in VS Code's diff editor (the base's version read-only against the
 * worktree's file): `filePath` when given, else the user picks. A binary file is listed, not diffed.
 * Resolves with the file opened, or undefined.
 */
export async function openFileReview(
  git: GitRunner,
  worktree: WorktreeInfo,
  title: string,
  filePath: string | undefined,
): Promise<string | undefined> {
  const { files } = await buildReviewModel(git, worktree);
  if (files.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Shepherd: {0} has no changes against {1}.', title, worktree.baseLabel),
    );
    return undefined;
  }
  const file = filePath === undefined ? await pickFile(files, title) : files.find((entry) => entry.path === filePath);
  if (!file) {
    if (filePath !== undefined) {
      throw new Error(
        vscode.l10n.t('{0} is not among the files {1} changed against {2}.', filePath, title, worktree.baseLabel),
      );
    }
    return undefined;
  }
  if (file.binary) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Shepherd: {0} is a binary file; it is listed, not diffed.', file.path),
    );
    return undefined;
  }
  const [, original, modified] = tripleFor(worktree, file);
  await vscode.commands.executeCommand(
    'vscode.diff',
    original,
    modified,
    `${file.path} (${worktree.branch} vs ${worktree.baseLabel})`,
  );
  return file.path;
}
