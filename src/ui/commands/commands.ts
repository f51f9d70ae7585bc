import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { requireWorker } from '../../core/workers/unknownWorkerError';
import { canRestart, canStart, canStop, hasProcess } from '../../core/workers/workerCapabilities';
import { WorkerView } from '../../core/workers/workerView';
import type { ShepherdContext } from '../context';
import { importProcfile } from '../settings/procfileImport';
import { importBackgroundTasks, runTaskAsWorker } from '../settings/taskWorkers';
import { runCommandAsWorker, validateWorkerName } from '../workers/adhocRun';
import { editDefinition, openSettingsWhereDefined } from '../settings/definitionLocation';
import { stopAllWorkers } from '../workers/stopAll';
import { openInBrowser } from '../workers/openInBrowser';
import { isObject } from '../../shared/untrusted';
import { PickOptions } from '../workers/workerPicker';
import { isWorkerNode } from '../workers/workersTree';
import { CommandHandler, registerGuardedCommand } from './commandGuard';
import { CommandKey, COMMANDS } from './commandIds';

/** What the worker commands use of the context. */
export type CommandContext = Pick<
  ShepherdContext,
  | 'supervisor'
  | 'control'
  | 'trust'
  | 'picker'
  | 'outputs'
  | 'terminals'
  | 'activityLog'
  | 'notifier'
  | 'logger'
  | 'extensionId'
  | 'sessions'
> & {
  /** The worker selected in the Workers view, for a keybinding pressed while the view has focus. */
  readonly selectedWorker: () => string | undefined;
};

const NO_WORKERS = vscode.l10n.t('Shepherd: there are no workers.');
const anyWorker = (): boolean => true;

/** The commands that act on one worker, and how each asks for it from the palette. */
type WorkerCommandKey =
  | 'start'
  | 'stop'
  | 'restart'
  | 'remove'
  | 'showOutput'
  | 'clearOutput'
  | 'copyPid'
  | 'revealCwd'
  | 'openTerminal'
  | 'rename'
  | 'editDefinition'
  | 'openInBrowser';

const WORKER_PICKS: Record<WorkerCommandKey, PickOptions> = {
  start: {
    filter: canStart,
    placeHolder: vscode.l10n.t('Start which worker?'),
    noneMessage: vscode.l10n.t('Shepherd: every worker is already running.'),
  },
  stop: {
    filter: canStop,
    placeHolder: vscode.l10n.t('Stop which worker?'),
    noneMessage: vscode.l10n.t('Shepherd: no worker is running.'),
  },
  restart: {
    filter: canRestart,
    placeHolder: vscode.l10n.t('Restart which worker?'),
    noneMessage: vscode.l10n.t('Shepherd: no worker can be restarted now.'),
  },
  remove: {
    filter: (_view, flags) => flags.removable,
    placeHolder: vscode.l10n.t('Remove which worker?'),
    noneMessage: vscode.l10n.t(
      'Shepherd: only ad hoc and imported workers can be removed; configured ones follow their settings.',
    ),
  },
  showOutput: {
    filter: anyWorker,
    placeHolder: vscode.l10n.t('Show the output of which worker?'),
    noneMessage: NO_WORKERS,
  },
  clearOutput: {
    filter: anyWorker,
    placeHolder: vscode.l10n.t('Clear the output of which worker?'),
    noneMessage: NO_WORKERS,
  },
  copyPid: {
    filter: hasProcess,
    placeHolder: vscode.l10n.t('Copy the PID of which worker?'),
    noneMessage: vscode.l10n.t('Shepherd: no worker has a process.'),
  },
  revealCwd: {
    filter: anyWorker,
    placeHolder: vscode.l10n.t('Reveal the folder of which worker?'),
    noneMessage: NO_WORKERS,
  },
  openTerminal: {
    filter: anyWorker,
    placeHolder: vscode.l10n.t('Open which worker in a terminal?'),
    noneMessage: NO_WORKERS,
  },
  rename: {
    filter: (view) => view.source === 'adhoc',
    placeHolder: vscode.l10n.t('Rename which worker?'),
    noneMessage: vscode.l10n.t(
      'Shepherd: only workers run from a typed command can be renamed; others take their settings label.',
    ),
  },
  editDefinition: {
    filter: (view) => view.source === 'settings',
    placeHolder: vscode.l10n.t('Edit the definition of which worker?'),
    noneMessage: vscode.l10n.t('Shepherd: no worker is defined in settings.'),
  },
  openInBrowser: {
    filter: (view) => view.localUrls.length > 0,
    placeHolder: vscode.l10n.t('Open the address of which worker?'),
    noneMessage: vscode.l10n.t('Shepherd: no running worker has printed a local URL (like http://localhost:3000).'),
  },
};

/** What a keybinding passes (`"args": { "selection": true }`) to act on the Workers view's selected row. */
function isSelectionArg(arg: unknown): boolean {
  return isObject(arg) && arg.selection === true;
}

/**
 * A worker command gets its worker from the tree (the clicked node), from a caller (an id), or else
 * by asking with a picker limited to the workers the action fits.
 */
async function resolveWorker(ctx: CommandContext, arg: unknown, options: PickOptions): Promise<WorkerView | undefined> {
  const selected = isSelectionArg(arg) ? ctx.selectedWorker() : undefined;
  const id = selected ?? (isWorkerNode(arg) ? arg.id : typeof arg === 'string' ? arg : await ctx.picker.pick(options));
  return id === undefined ? undefined : requireWorker(ctx.supervisor, id);
}

/** Kill Now: SIGKILL at once to the given stopping worker, or to every worker that is stopping. */
function killNow(ctx: CommandContext, arg: unknown): void {
  const id = isWorkerNode(arg) ? arg.id : typeof arg === 'string' ? arg : undefined;
  const stopping = ctx.supervisor.snapshot().filter((view) => view.state === 'stopping' && (id ?? view.id) === view.id);
  if (stopping.length === 0) {
    ctx.notifier.info(vscode.l10n.t('Shepherd: no worker is stopping; Kill Now only shortens a stop under way.'));
    return;
  }
  for (const view of stopping) {
    ctx.supervisor.killNow(view.id);
  }
}

/** Names an ad hoc worker; `name` comes from a caller (tests), else the user types it. */
async function rename(ctx: CommandContext, view: WorkerView, name: unknown): Promise<void> {
  const label =
    typeof name === 'string'
      ? name
      : await vscode.window.showInputBox({
          title: vscode.l10n.t('Rename Worker'),
          value: view.label,
          prompt: vscode.l10n.t('The name shown in the Workers view'),
          validateInput: validateWorkerName,
        });
  if (label === undefined) {
    return;
  }
  const problem = validateWorkerName(label);
  if (problem) {
    throw new Error(vscode.l10n.t('Cannot rename "{0}": {1}', view.label, problem));
  }
  ctx.supervisor.relabel(view.id, label.trim());
}

/** Forgets vanished processes and removes ad hoc workers that have finished. */
async function sweepDeadWorkers(ctx: CommandContext): Promise<void> {
  const vanished = await ctx.supervisor.sweepDead();
  const finished = ctx.supervisor.snapshot().filter((view) => view.source === 'adhoc' && canStart(view));
  await Promise.all(finished.map((view) => ctx.control.remove(view.id)));
  const removed =
    finished.length === 1
      ? vscode.l10n.t('Shepherd: removed 1 finished ad hoc worker')
      : vscode.l10n.t('Shepherd: removed {0} finished ad hoc workers', finished.length);
  const forgot =
    vanished === 0
      ? ''
      : vanished === 1
        ? vscode.l10n.t('; forgot 1 process that vanished without an exit event')
        : vscode.l10n.t('; forgot {0} processes that vanished without an exit event', vanished);
  ctx.notifier.info(`${removed}${forgot}.`);
}

async function copyPid(view: WorkerView): Promise<void> {
  if (view.pid !== undefined) {
    await vscode.env.clipboard.writeText(String(view.pid));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied PID {0}', view.pid), 3_000);
  }
}

async function revealCwd(view: WorkerView): Promise<void> {
  const uri = vscode.Uri.file(view.cwd);
  // The Explorer can only reveal what is inside the workspace; anything else opens in the OS.
  await vscode.commands.executeCommand(
    vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS',
    uri,
  );
}

function handlers(ctx: CommandContext): Record<CommandKey, CommandHandler> {
  /** A command that resolves its worker (see resolveWorker), then acts on it; cancelling does nothing. */
  const onWorker =
    (key: WorkerCommandKey, act: (view: WorkerView, ...rest: unknown[]) => unknown): CommandHandler =>
    async (arg, ...rest) => {
      const view = await resolveWorker(ctx, arg, WORKER_PICKS[key]);
      return view && act(view, ...rest);
    };
  return {
    start: onWorker('start', (view) => ctx.control.start(view.id)),
    stop: onWorker('stop', (view) => ctx.control.stop(view.id)),
    restart: onWorker('restart', (view) => ctx.control.restart(view.id)),
    remove: onWorker('remove', (view) => ctx.control.remove(view.id)),
    showOutput: onWorker('showOutput', (view) => ctx.outputs.show(view.id)),
    clearOutput: onWorker('clearOutput', (view) => ctx.outputs.clear(view.id)),
    copyPid: onWorker('copyPid', copyPid),
    revealCwd: onWorker('revealCwd', revealCwd),
    openTerminal: onWorker('openTerminal', (view) => ctx.terminals.show(view.id)),
    rename: onWorker('rename', (view, name) => rename(ctx, view, name)),
    editDefinition: onWorker('editDefinition', (view) => editDefinition(view.id, view.label)),
    openInBrowser: onWorker('openInBrowser', openInBrowser),
    killNow: (arg) => killNow(ctx, arg),
    runCommand: (arg) => runCommandAsWorker(ctx, arg),
    runTask: (arg) => runTaskAsWorker(ctx, arg),
    stopAll: (arg) => stopAllWorkers(ctx, arg),
    sweepDead: () => sweepDeadWorkers(ctx),
    importProcfile: (arg) => importProcfile(ctx, arg),
    importTasks: () => importBackgroundTasks(ctx),
    showActivityLog: () => ctx.activityLog.show(),
    openSettings: () => openSettingsWhereDefined(ctx.extensionId),
  };
}

/** Registers every worker command. */
export function registerCommands(ctx: CommandContext, store: DisposableStore): void {
  const table = handlers(ctx);
  for (const key of Object.keys(COMMANDS) as CommandKey[]) {
    registerGuardedCommand(store, COMMANDS[key], table[key], ctx);
  }
}
