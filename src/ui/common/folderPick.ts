import * as vscode from 'vscode';

/**
 * The workspace folder to run something in: the only one without asking, a pick in a multi-root
 * workspace. `undefined` means the user cancelled; `{ folder: undefined }` means no folder is open.
 */
export async function pickFolder(
  placeHolder = vscode.l10n.t('Run the command in which folder?'),
): Promise<{ folder: vscode.WorkspaceFolder | undefined } | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) {
    return { folder: folders[0] };
  }
  const folder = await vscode.window.showWorkspaceFolderPick({ placeHolder });
  return folder && { folder };
}
