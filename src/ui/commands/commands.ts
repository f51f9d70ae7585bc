import * as os from 'node:os';
import * as vscode from 'vscode';
import { parseCommandLine } from '../../core/definitions/commandLine';
import { parseWorkerDefinition, slugify } from '../../core/definitions/definitionParser';
import { DisposableStore } from '../../core/base/events';
import { Logger } from '../../core/base/logger';
import { Supervisor } from '../../core/workers/supervisor';
import { canRestart, canStart, canStop, hasProcess } from '../../core/workers/workerCapabilities';
import { WorkerDefinition } from '../../core/definitions/workerDefinition';
import { WorkerView } from '../../core/workers/workerView';
import { ActivityLogView } from '../status/activityLogView';
import { CommandHandler, registerGuardedCommand } from './commandGuard';
import { CommandKey, COMMANDS } from './commandIds';
import { DEFAULT_PROCFILE, readWorkerDefaults, SECTION } from '../settings/configuration';
import { pickFolder } from '../common/folderPick';
import { Notifier } from '../common/notifier';
import { loadProcfile } from '../settings/procfileLoader';
import { WorkerTerminals } from '../workers/terminal';
import { WorkerTrust } from '../settings/trust';
import { WorkerControl } from '../workers/workerControl';
import { WorkerFlags } from '../workers/workerFormat';
import { WorkerOutputChannels } from '../workers/workerOutput';
import { PickOptions, WorkerPicker } from '../workers/workerPicker';
import { isWorkerNode } from '../workers/workersTree';

/** The longest part of a command line kept in an ad hoc worker's id and label. */
const ADHOC_SLUG_CHARS = 32;
const ADHOC_LABEL_CHARS = 60;
/** Enough Procfiles for any real workspace; the picker also offers "Browse…". */
const MAX_PROCFILES_LISTED = 50;

export interface CommandDeps {
  readonly supervisor: Supervisor;
  readonly control: WorkerControl;
  readonly trust: WorkerTrust;
  readonly picker: WorkerPicker;
  readonly outputs: WorkerOutputChannels;
  readonly terminals: WorkerTerminals;
  readonly activityLog: ActivityLogView;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly flagsOf: (id: string) => WorkerFlags;
  readonly extensionId: string;
}

const anyWorker = (): boolean => true;

/**
 * A worker command gets its worker from the tree (the clicked node), from a caller (an id), or else
 * by asking with a picker limited to the workers the action fits.
 */
async function resolveWorker(deps: CommandDeps, arg: unknown, options: PickOptions): Promise<WorkerView | undefined> {
  const id = isWorkerNode(arg) ? arg.id : typeof arg === 'string' ? arg : await deps.picker.pick(options);
  if (id === undefined) {
    return undefined;
  }
  const view = deps.supervisor.get(id);
  if (!view) {
    throw new Error(`There is no worker "${id}".`);
  }
  return view;
}

function adhocId(supervisor: Supervisor, line: string): string {
  const slug = slugify(line).slice(0, ADHOC_SLUG_CHARS).replace(/-+$/, '');
  let n = 1;
  while (supervisor.get(`adhoc-${slug}-${n}`)) {
    n += 1;
  }
  return `adhoc-${slug}-${n}`;
}

function validateCommandLine(value: string): string | undefined {
  const parsed = parseCommandLine(value);
  return parsed.ok ? undefined : parsed.errors.join('; ');
}

/** Runs a typed command line as a new ad hoc worker; resolves with its id (tests pass the line). */
async function runCommandAsWorker(deps: CommandDeps, arg: unknown): Promise<string | undefined> {
  const line =
    typeof arg === 'string'
      ? arg
      : await vscode.window.showInputBox({
          title: 'Run Command as Worker',
          prompt: 'Runs without a shell, unless the line uses shell syntax such as |, &&, > or $VAR',
          placeHolder: 'npm run dev',
          ignoreFocusOut: true,
          validateInput: validateCommandLine,
        });
  if (line === undefined) {
    return undefined;
  }
  const parsed = parseCommandLine(line);
  if (!parsed.ok) {
    throw new Error(`Cannot run "${line}": ${parsed.errors.join('; ')}`);
  }
  const where = await pickFolder();
  if (!where) {
    return undefined;
  }
  const id = adhocId(deps.supervisor, line);
  const trimmed = line.trim();
  const label = trimmed.length > ADHOC_LABEL_CHARS ? `${trimmed.slice(0, ADHOC_LABEL_CHARS - 1)}…` : trimmed;
  // Problems in shepherd.defaults are reported by the settings sync; here they only fall back.
  const ignoredProblems: string[] = [];
  const definition = parseWorkerDefinition(
    // A typed command is often finite (a build, a test run): restarting it on failure would loop.
    {
      id,
      label,
      command: parsed.value.command,
      args: [...parsed.value.args],
      shell: parsed.value.shell,
      restart: 'never',
    },
    {
      source: 'adhoc',
      defaults: readWorkerDefaults(where.folder?.uri, ignoredProblems),
      baseDir: where.folder?.uri.fsPath ?? os.homedir(),
    },
  );
  if (!definition.ok) {
    throw new Error(`Cannot run "${line}": ${definition.errors.join('; ')}`);
  }
  deps.supervisor.upsert(definition.value);
  deps.trust.setOrigin(id, 'user');
  deps.outputs.show(id);
  await deps.control.start(id);
  return id;
}

async function stopAllWorkers(deps: CommandDeps): Promise<void> {
  if (!deps.supervisor.snapshot().some(canStop)) {
    deps.notifier.info('Shepherd: no worker is running.');
    return;
  }
  const forceKill = new AbortController();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Shepherd: stopping workers', cancellable: true },
    async (progress, token) => {
      // Cancel does not leave workers running: it skips the rest of the grace period and kills.
      const onCancel = token.onCancellationRequested(() => forceKill.abort());
      let reported = 0;
      try {
        await deps.supervisor.stopAll({
          forceKill: forceKill.signal,
          onProgress: (remaining, total) => {
            const done = total - remaining;
            progress.report({
              message: `${remaining} of ${total} still running${forceKill.signal.aborted ? ', killing' : ''}`,
              increment: total > 0 ? ((done - reported) / total) * 100 : 100,
            });
            reported = done;
          },
        });
      } finally {
        onCancel.dispose();
      }
    },
  );
}

/** Forgets vanished processes and removes ad hoc workers that have finished. */
async function sweepDeadWorkers(deps: CommandDeps): Promise<void> {
  const vanished = await deps.supervisor.sweepDead();
  const finished = deps.supervisor.snapshot().filter((view) => view.source === 'adhoc' && canStart(view));
  await Promise.all(finished.map((view) => deps.control.remove(view.id)));
  const parts = [`removed ${finished.length} finished ad hoc worker${finished.length === 1 ? '' : 's'}`];
  if (vanished > 0) {
    parts.push(`forgot ${vanished} process${vanished === 1 ? '' : 'es'} that vanished without an exit event`);
  }
  deps.notifier.info(`Shepherd: ${parts.join('; ')}.`);
}

async function pickProcfile(): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/Procfile{,.*}', '**/node_modules/**', MAX_PROCFILES_LISTED);
  if (found.length > 0) {
    const browse = { label: '$(folder-opened) Browse…', uri: undefined };
    const items = [...found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), browse];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Import which Procfile?' });
    if (picked !== browse) {
      return picked?.uri;
    }
  }
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Import',
    title: 'Import Procfile',
  });
  return chosen?.[0];
}

/** Offers to load this Procfile on every start, unless the folder's setting already names it. */
function offerAutoLoad(deps: CommandDeps, procfile: vscode.Uri, count: number): void {
  const shown = vscode.workspace.asRelativePath(procfile);
  const message = `Shepherd: imported ${count} worker${count === 1 ? '' : 's'} from ${shown}.`;
  const folder = vscode.workspace.getWorkspaceFolder(procfile);
  const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
  const relative = folder && vscode.workspace.asRelativePath(procfile, false);
  if (!folder || relative === undefined || config.get<string>('procfile', DEFAULT_PROCFILE) === relative) {
    deps.notifier.info(message);
    return;
  }
  deps.notifier.info(message, {
    title: 'Load Automatically',
    run: () => config.update('procfile', relative, vscode.ConfigurationTarget.WorkspaceFolder),
  });
}

/** Adds a Procfile's workers to the tree for this window; resolves with their definitions. */
async function importProcfile(deps: CommandDeps, arg: unknown): Promise<WorkerDefinition[] | undefined> {
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
    throw new Error(`${vscode.workspace.asRelativePath(procfile)} does not exist.`);
  }
  for (const definition of loaded.definitions) {
    deps.supervisor.upsert(definition);
    // Procfile lines are the workspace's code, whoever imports them.
    deps.trust.setOrigin(definition.id, 'workspace');
  }
  for (const problem of loaded.problems) {
    deps.logger.warn(problem);
  }
  if (loaded.problems.length > 0) {
    deps.notifier.warn(
      `Shepherd: ${loaded.problems[0]}` +
        (loaded.problems.length > 1 ? ` (and ${loaded.problems.length - 1} more: see the Shepherd log)` : ''),
    );
  }
  offerAutoLoad(deps, procfile, loaded.definitions.length);
  return loaded.definitions;
}

async function revealCwd(view: WorkerView): Promise<void> {
  const uri = vscode.Uri.file(view.cwd);
  // The Explorer can only reveal what is inside the workspace; anything else opens in the OS.
  await vscode.commands.executeCommand(
    vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS',
    uri,
  );
}

function handlers(deps: CommandDeps): Record<CommandKey, CommandHandler> {
  const worker = (arg: unknown, options: PickOptions): Promise<WorkerView | undefined> =>
    resolveWorker(deps, arg, options);
  return {
    start: async (arg) => {
      const view = await worker(arg, {
        filter: canStart,
        placeHolder: 'Start which worker?',
        noneMessage: 'Shepherd: every worker is already running.',
      });
      return view && deps.control.start(view.id);
    },
    stop: async (arg) => {
      const view = await worker(arg, {
        filter: canStop,
        placeHolder: 'Stop which worker?',
        noneMessage: 'Shepherd: no worker is running.',
      });
      return view && deps.control.stop(view.id);
    },
    restart: async (arg) => {
      const view = await worker(arg, {
        filter: canRestart,
        placeHolder: 'Restart which worker?',
        noneMessage: 'Shepherd: no worker can be restarted now.',
      });
      return view && deps.control.restart(view.id);
    },
    remove: async (arg) => {
      const view = await worker(arg, {
        filter: (candidate) => deps.flagsOf(candidate.id).removable,
        placeHolder: 'Remove which worker?',
        noneMessage:
          'Shepherd: only ad hoc and imported workers can be removed; configured ones follow their settings.',
      });
      return view && deps.control.remove(view.id);
    },
    showOutput: async (arg) => {
      const view = await worker(arg, {
        filter: anyWorker,
        placeHolder: 'Show the output of which worker?',
        noneMessage: 'Shepherd: there are no workers.',
      });
      return view && deps.outputs.show(view.id);
    },
    clearOutput: async (arg) => {
      const view = await worker(arg, {
        filter: anyWorker,
        placeHolder: 'Clear the output of which worker?',
        noneMessage: 'Shepherd: there are no workers.',
      });
      return view && deps.outputs.clear(view.id);
    },
    copyPid: async (arg) => {
      const view = await worker(arg, {
        filter: hasProcess,
        placeHolder: 'Copy the PID of which worker?',
        noneMessage: 'Shepherd: no worker has a process.',
      });
      if (view?.pid !== undefined) {
        await vscode.env.clipboard.writeText(String(view.pid));
        vscode.window.setStatusBarMessage(`Copied PID ${view.pid}`, 3_000);
      }
    },
    revealCwd: async (arg) => {
      const view = await worker(arg, {
        filter: anyWorker,
        placeHolder: 'Reveal the folder of which worker?',
        noneMessage: 'Shepherd: there are no workers.',
      });
      return view && revealCwd(view);
    },
    openTerminal: async (arg) => {
      const view = await worker(arg, {
        filter: anyWorker,
        placeHolder: 'Open which worker in a terminal?',
        noneMessage: 'Shepherd: there are no workers.',
      });
      return view && deps.terminals.show(view.id);
    },
    runCommand: (arg) => runCommandAsWorker(deps, arg),
    stopAll: () => stopAllWorkers(deps),
    sweepDead: () => sweepDeadWorkers(deps),
    importProcfile: (arg) => importProcfile(deps, arg),
    showActivityLog: () => deps.activityLog.show(),
    openSettings: () => vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${deps.extensionId}`),
  };
}

/** Registers every worker command. */
export function registerCommands(deps: CommandDeps, store: DisposableStore): void {
  const table = handlers(deps);
  for (const key of Object.keys(COMMANDS) as CommandKey[]) {
    registerGuardedCommand(store, COMMANDS[key], table[key], deps);
  }
}
