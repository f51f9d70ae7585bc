import * as vscode from 'vscode';
import { parseWorkerList } from '../../core/definitions/definitionParser';
import { DEFAULT_WORKER_DEFAULTS } from '../../core/definitions/workerDefinition';
import { SECTION, SettingsLayer, settingsLayers } from './configuration';

/** The settings layer that defines a worker; later layers win, as they do when the settings are applied. */
function definingLayer(id: string): SettingsLayer | undefined {
  let found: SettingsLayer | undefined;
  for (const layer of settingsLayers()) {
    // Only ids matter here: defaults and the base folder do not change them.
    const { definitions } = parseWorkerList(layer.raw ?? [], {
      source: 'settings',
      defaults: DEFAULT_WORKER_DEFAULTS,
      baseDir: layer.baseDir,
    });
    if (definitions.some((definition) => definition.id === id)) {
      found = layer;
    }
  }
  return found;
}

/** The settings.json of a layer; undefined for user settings, which only a command can open. */
function settingsFile(layer: SettingsLayer): vscode.Uri | undefined {
  if (layer.origin === 'user') {
    return undefined;
  }
  if (layer.folder === undefined && vscode.workspace.workspaceFile) {
    return vscode.workspace.workspaceFile;
  }
  return layer.scope && vscode.Uri.joinPath(layer.scope, '.vscode', 'settings.json');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The offset of the worker's entry: its "id", else its "label", else the workers list itself. */
function entryOffset(text: string, id: string, label: string): number {
  const workers = Math.max(0, text.indexOf(`"${SECTION}.workers"`));
  for (const pattern of [`"id"\\s*:\\s*"${escapeRegExp(id)}"`, `"label"\\s*:\\s*"${escapeRegExp(label)}"`]) {
    const match = new RegExp(pattern).exec(text.slice(workers));
    if (match) {
      return workers + match.index;
    }
  }
  return workers;
}

/**
 * Edit Definition: opens the settings.json (workspace, folder or user) whose `shepherd.workers`
 * defines the worker, with the cursor on its entry. Resolves with the file opened.
 */
export async function editDefinition(id: string, label: string): Promise<vscode.Uri> {
  const layer = definingLayer(id);
  if (!layer) {
    throw new Error(
      vscode.l10n.t('"{0}" is not defined in {1}.workers of any settings (user, workspace or folder)', label, SECTION),
    );
  }
  const file = settingsFile(layer);
  let editor: vscode.TextEditor | undefined;
  if (file) {
    editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  } else {
    await vscode.commands.executeCommand('workbench.action.openSettingsJson');
    editor = vscode.window.activeTextEditor;
  }
  if (!editor) {
    throw new Error(vscode.l10n.t('could not open the {0} file that defines "{1}"', layer.where, label));
  }
  const position = editor.document.positionAt(entryOffset(editor.document.getText(), id, label));
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenter);
  return editor.document.uri;
}

/**
 * Open Settings: the Settings editor at the scope where the workers are defined (workspace when the
 * workspace or a folder defines any, else user), filtered to Shepherd's settings.
 */
export function openSettingsWhereDefined(extensionId: string): Thenable<unknown> {
  const layers = settingsLayers();
  const defines = (layer: SettingsLayer): boolean => Array.isArray(layer.raw) && layer.raw.length > 0;
  const inWorkspace = layers.some((layer) => layer.origin === 'workspace' && defines(layer));
  const inUser = layers.some((layer) => layer.origin === 'user' && defines(layer));
  const workspaceOpen = (vscode.workspace.workspaceFolders ?? []).length > 0;
  const command =
    inWorkspace || (!inUser && workspaceOpen)
      ? 'workbench.action.openWorkspaceSettings'
      : 'workbench.action.openGlobalSettings';
  return vscode.commands.executeCommand(command, { query: `@ext:${extensionId}` });
}
