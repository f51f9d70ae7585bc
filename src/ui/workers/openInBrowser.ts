import * as vscode from 'vscode';
import { WorkerView } from '../../core/workers/workerView';

/**
 * Open in Browser: a local URL the worker printed, through asExternalUri so that under Remote-SSH, a
 * dev container or Codespaces the port is forwarded and the user's own browser can reach it. With
 * several URLs the user picks one; `url` (from a caller, e.g. a test) must be one the worker printed.
 */
export async function openInBrowser(view: WorkerView, url: unknown): Promise<void> {
  const urls = view.localUrls;
  if (urls.length === 0) {
    throw new Error(vscode.l10n.t('"{0}" has printed no local URL while running.', view.label));
  }
  if (url !== undefined && (typeof url !== 'string' || !urls.includes(url))) {
    throw new Error(vscode.l10n.t('"{0}" did not print the URL {1}.', view.label, String(url)));
  }
  const chosen =
    url ??
    (urls.length === 1
      ? urls[0]
      : await vscode.window.showQuickPick([...urls], {
          title: vscode.l10n.t('Open in Browser'),
          placeHolder: vscode.l10n.t('Which address of {0}? (newest first)', view.label),
        }));
  if (chosen === undefined) {
    return;
  }
  const external = await vscode.env.asExternalUri(vscode.Uri.parse(chosen, true));
  if (!(await vscode.env.openExternal(external))) {
    throw new Error(vscode.l10n.t('The browser did not open {0}.', external.toString(true)));
  }
}
