import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { DisposableStore } from './core/events';
import { describeError, Logger } from './core/logger';
import { Supervisor } from './core/supervisor';
import { ActivityLogView } from './ui/activityLogView';
import { COMMANDS } from './ui/commandIds';
import { registerCommands } from './ui/commands';
import { readGroupBy, readStatusFileSetting, SECTION } from './ui/configuration';
import { WorkerContextKeys } from './ui/contextKeys';
import { channelLogger } from './ui/logger';
import { Notifier } from './ui/notifier';
import { WorkersStatusBar } from './ui/statusBar';
import { WorkerTerminals } from './ui/terminal';
import { WorkerTrust } from './ui/trust';
import { WorkerControl } from './ui/workerControl';
import { WorkerFlags } from './ui/workerFormat';
import { WorkerOutputChannels } from './ui/workerOutput';
import { WorkerPicker } from './ui/workerPicker';
import { WorkersTreeProvider } from './ui/workersTree';
import { WorkerSync } from './ui/workerSync';

/** What activate() returns: enough for the extension-host tests to drive and observe Shepherd. */
export interface ShepherdApi {
  readonly supervisor: Supervisor;
  readonly tree: WorkersTreeProvider;
  /** Re-reads settings and Procfiles now; resolves once the result is applied. */
  reconcile(): Promise<void>;
}

const STATUS_FILE_NAME = 'status.json';

/** The supervisor of this activation and its last-resort exit hook, for deactivate(). */
let active: { supervisor: Supervisor; onExit: () => void } | undefined;

function statusFilePath(context: vscode.ExtensionContext): string {
  // Workspace storage keeps each window's file apart; an empty window has only global storage.
  return readStatusFileSetting() ?? path.join((context.storageUri ?? context.globalStorageUri).fsPath, STATUS_FILE_NAME);
}

/** Stops what a crashed previous run left behind, before any worker of this run starts. */
async function recoverOrphans(supervisor: Supervisor, notifier: Notifier, logger: Logger, showActivityLog: () => void): Promise<void> {
  const reports = await supervisor.recoverOrphans();
  const stopped = reports.filter((report) => report.outcome === 'terminated').length;
  if (reports.length > 0) {
    logger.info(`orphan recovery: ${reports.length} recorded group(s) checked, ${stopped} stopped`);
  }
  if (stopped > 0) {
    notifier.info(`Shepherd stopped ${stopped} worker${stopped === 1 ? '' : 's'} that a previous session left running.`, {
      title: 'Show Activity Log',
      run: showActivityLog,
    });
  }
}

function wire(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, logger: Logger, store: DisposableStore): ShepherdApi {
  const supervisor = new Supervisor({ logger, statusFilePath: statusFilePath(context) });
  // If the host dies without deactivate(), SIGKILL every group synchronously on the way out.
  const onExit = (): void => void supervisor.killAllSync();
  process.on('exit', onExit);
  active = { supervisor, onExit };

  const notifier = new Notifier(supervisor.tasks);
  const trust = new WorkerTrust(notifier);
  const outputs = store.add(new WorkerOutputChannels(supervisor));
  const terminals = store.add(new WorkerTerminals(supervisor));
  const activityLog = store.add(new ActivityLogView(supervisor.activity));
  const control = new WorkerControl(supervisor, trust, notifier, logger, (id) => outputs.show(id));
  const openSettings = (): Thenable<unknown> => vscode.commands.executeCommand(COMMANDS.openSettings);
  const sync = store.add(new WorkerSync({ supervisor, control, trust, notifier, logger, openSettings, showLog: () => log.show() }));
  const flagsOf = (id: string): WorkerFlags => ({
    removable: !sync.owns(id) && supervisor.get(id)?.source !== 'session',
    restricted: trust.isRestricted(id),
  });

  const tree = store.add(new WorkersTreeProvider(supervisor, flagsOf, readGroupBy()));
  store.add(vscode.window.createTreeView('shepherd.workers', { treeDataProvider: tree, showCollapseAll: true }));
  store.add(new WorkersStatusBar(supervisor));
  store.add(new WorkerContextKeys(supervisor, supervisor.tasks));
  const picker = new WorkerPicker(supervisor, flagsOf, notifier);
  registerCommands(
    { supervisor, control, trust, picker, outputs, terminals, activityLog, notifier, logger, flagsOf, extensionId: context.extension.id },
    store,
  );

  store.add(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.tree.groupBy`)) {
        tree.setGroupBy(readGroupBy());
      }
      if (['workers', 'procfile', 'defaults'].some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
        void sync.reconcile('settings changed');
      }
      if (event.affectsConfiguration(`${SECTION}.statusFile`)) {
        notifier.info('Shepherd: the new status file location applies after a reload of the window.');
      }
    }),
  );
  store.add(vscode.workspace.onDidChangeWorkspaceFolders(() => void sync.reconcile('workspace folders changed')));
  store.add(
    trust.onDidGrant(() => {
      tree.refreshAll();
      sync.startHeldBack();
    }),
  );

  void supervisor.tasks.run('startup', async () => {
    await recoverOrphans(supervisor, notifier, logger, () => activityLog.show());
    await sync.reconcile('startup');
  });
  return { supervisor, tree, reconcile: () => sync.reconcile('requested') };
}

export function activate(context: vscode.ExtensionContext): ShepherdApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Shepherd', { log: true });
  context.subscriptions.push(log);
  const logger = channelLogger(log);
  const store = new DisposableStore();
  context.subscriptions.push(store);
  try {
    const api = wire(context, log, logger, store);
    logger.info(`activated in ${Math.round(performance.now() - started)} ms`);
    return api;
  } catch (error) {
    // VS Code only logs a failed activation; the user has to hear about it from us.
    logger.error(`activation failed: ${describeError(error)}`);
    store.dispose();
    if (active) {
      // Nothing has been started yet (that is the last step of wiring): disposing is enough.
      process.off('exit', active.onExit);
      active.supervisor.dispose();
      active = undefined;
    }
    vscode.window.showErrorMessage(`Shepherd could not start: ${describeError(error)}`, 'Show Log').then(
      (choice) => choice && log.show(),
      (reportError: unknown) => logger.error(`could not report the activation failure: ${describeError(reportError)}`),
    );
    throw error;
  }
}

export async function deactivate(): Promise<void> {
  if (!active) {
    return;
  }
  const { supervisor, onExit } = active;
  active = undefined;
  try {
    await supervisor.shutdown();
  } finally {
    // Only now: until shutdown finished, the exit hook is still the safety net.
    process.off('exit', onExit);
  }
}
