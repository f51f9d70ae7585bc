import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeError, Logger } from '../../core/base/logger';
import { gitShowUri } from './gitShowProvider';

/**
 * The merge editor's internal open command. The built-in git extension opens conflicts through it too;
 * a public API for it does not exist. The merge editor must work without the git extension (users and
 * remote hosts may switch it off), so Shepherd serves the three sides itself.
 */
const OPEN_MERGE_EDITOR = '_open.mergeEditor';

/** git's index stages of a conflicted path: the common ancestor, the current branch, the incoming one. */
const STAGE = { base: ':1', current: ':2', incoming: ':3' } as const;

/**
 * Opens VS Code's merge editor on `file`, a path git left unmerged in the main worktree at `repoRoot`
 * after merging `branch` into `into`. The sides are read from the index stages (read-only documents);
 * the result is the file on disk, so resolving and saving it is all the user has left to do before
 * committing. If the merge editor cannot be opened, the file opens with its conflict markers instead.
 */
export async function openMergeEditor(
  logger: Logger,
  conflict: { readonly repoRoot: string; readonly file: string; readonly branch: string; readonly into: string },
): Promise<void> {
  const { repoRoot, file, branch, into } = conflict;
  const output = vscode.Uri.file(path.join(repoRoot, file));
  const options = {
    base: gitShowUri(repoRoot, STAGE.base, file),
    input1: { uri: gitShowUri(repoRoot, STAGE.incoming, file), title: vscode.l10n.t('Incoming'), description: branch },
    input2: { uri: gitShowUri(repoRoot, STAGE.current, file), title: vscode.l10n.t('Current'), description: into },
    output,
  };
  try {
    await vscode.commands.executeCommand(OPEN_MERGE_EDITOR, options);
  } catch (error) {
    logger.warn(`the merge editor did not open for ${output.fsPath}: ${describeError(error)}; opening the file`);
    await vscode.commands.executeCommand('vscode.open', output);
  }
}
