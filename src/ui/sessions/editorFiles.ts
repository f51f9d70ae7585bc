import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { AcpClientHost, WorkspaceFiles } from '../../core/sessions/acp/clientHost';

function openDocument(file: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((doc) => doc.uri.scheme === 'file' && doc.uri.fsPath === file);
}

/**
 * An ACP agent's file requests served by the editor: reads see an open document's unsaved text, and
 * writes are WorkspaceEdits, so the change shows in the editor and can be undone. The document is
 * saved afterwards, so the agent's own tools read what it wrote, unless it held unsaved edits of the
 * user's, which Shepherd never saves for them.
 */
export const EDITOR_FILES: WorkspaceFiles = {
  openDocumentText: (file) => openDocument(file)?.getText(),
  async write(file, content) {
    const uri = vscode.Uri.file(file);
    const exists = await fs.stat(file).then(
      () => true,
      () => false,
    );
    const hadUnsavedEdits = openDocument(file)?.isDirty ?? false;
    const edit = new vscode.WorkspaceEdit();
    if (!exists) {
      edit.createFile(uri, { ignoreIfExists: true });
      edit.insert(uri, new vscode.Position(0, 0), content);
    } else {
      const document = openDocument(file) ?? (await vscode.workspace.openTextDocument(uri));
      const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
      edit.replace(uri, whole, content);
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new Error(vscode.l10n.t('the editor refused the edit of {0}', file));
    }
    const written = openDocument(file);
    if (written && !hadUnsavedEdits) {
      await written.save();
    }
  },
};

/** The editor as an ACP client's host: its files, and no file requests in Restricted Mode. */
export const EDITOR_ACP_HOST: AcpClientHost = {
  files: EDITOR_FILES,
  isTrusted: () => vscode.workspace.isTrusted,
};
