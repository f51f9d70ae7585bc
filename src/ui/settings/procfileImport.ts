import * as vscode from 'vscode';
import { WorkerDefinition } from '../../core/definitions/workerDefinition';
import type { ShepherdContext } from '../context';
import { DEFAULT_PROCFILE, readWorkerDefaults, SECTION } from './configuration';
import { loadProcfile } from './procfileLoader';

/** Enough Procfiles for any real workspace; the picker also offers "Browse…". */
const MAX_PROCFILES_LISTED = 50;

/** What importing a Procfile uses of the context. */
export type ProcfileImportContext = Pick<ShepherdContext, 'supervisor' | 'trust' | 'notifier'>;

async function pickProcfile(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/Procfile{,.*}', '**/node_modules/**', MAX_PROCFILES_LISTED);
  if (found.length > 0) {
    const browse = { label: `$(folder-opened) ${vscode.l10n.t('Browse…')}`, uri: undefined };
    const items = [...found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), browse];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Import which Procfile?') });
    if (picked !== browse) {
      return picked?.uri;
    }
  }
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: vscode.l10n.t('Import'),
    title: vscode.l10n.t('Import Procfile'),
  });
  return chosen?.[0];
}

/** Offers to load this Procfile on every start, unless the folder's setting already names it. */
function offerAutoLoad(ctx: ProcfileImportContext, procfile: vscode.Uri, count: number): void {
  const shown = vscode.workspace.asRelativePath(procfile);
  const message =
    count === 1
      ? vscode.l10n.t('Shepherd: imported 1 worker from {0}.', shown)
      : vscode.l10n.t('Shepherd: imported {0} workers from {1}.', count, shown);
  const folder = vscode.workspace.getWorkspaceFolder(procfile);
  const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
  const relative = folder && vscode.workspace.asRelativePath(procfile, false);
  if (!folder || relative === undefined || config.get<string>('procfile', DEFAULT_PROCFILE) === relative) {
    ctx.notifier.info(message);
    return;
  }
  ctx.notifier.info(message, {
    title: vscode.l10n.t('Load Automatically'),
    run: () => config.update('procfile', relative, vscode.ConfigurationTarget.WorkspaceFolder),
  });
}

/** Adds a Procfile's workers to the tree for this window; resolves with their definitions. */
export async function importProcfile(
  ctx: ProcfileImportContext,
  arg: unknown,
): Promise<WorkerDefinition[] | undefined> {
  const procfile = arg instanceof vscode.Uri ? arg : await pickProcfile();
  if (!procfile) {
    return undefined;
  }
  const ignoredProblems: string[] = [];
  const loaded = await loadProcfile(
    procfile,
    readWorkerDefaults(vscode.workspace.getWorkspaceFolder(procfile)?.uri, ignoredProblems),
  );
  if (!loaded) {
    throw new Error(vscode.l10n.t('{0} does not exist.', vscode.workspace.asRelativePath(procfile)));
  }
  for (const definition of loaded.definitions) {
    ctx.supervisor.upsert(definition);
    // Procfile lines are the workspace's code, whoever imports them.
    ctx.trust.setOrigin(definition.id, 'workspace');
  }
  ctx.notifier.warnProblems(loaded.problems);
  offerAutoLoad(ctx, procfile, loaded.definitions.length);
  return loaded.definitions;
}
