import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { DisposableStore } from './core/base/events';
import { describeError, Logger } from './core/base/logger';
import { SessionManager } from './core/sessions/sessionManager';
import { TranscriptStore } from './core/sessions/transcripts/transcriptStore';
import { createShepherdCore, ShepherdCore } from './core/shepherdCore';
import { Supervisor } from './core/workers/supervisor';
import { DemoAgentLocation, readAgents, readSessionSettings } from './ui/sessions/agentSettings';
import { ActivityLogView } from './ui/status/activityLogView';
import { COMMANDS } from './ui/commands/commandIds';
import { registerCommands } from './ui/commands/commands';
import { readGroupBy, readStatusFileSetting, SECTION } from './ui/settings/configuration';
import { WorkerContextKeys } from './ui/common/contextKeys';
import { channelLogger } from './ui/common/logger';
import { Notifier } from './ui/common/notifier';
import { registerRowClick } from './ui/workers/rowClick';
import { SessionAttention } from './ui/sessions/sessionAttention';
import { registerSessionCommands, SessionFolders } from './ui/sessions/sessionCommands';
import { SESSION_VIEW_TYPE, SessionPanels } from './ui/sessions/sessionPanel';
import { WorkersStatusBar } from './ui/status/statusBar';
import { WorkerTerminals } from './ui/workers/terminal';
import { WorkerTrust } from './ui/settings/trust';
import { WorkerControl } from './ui/workers/workerControl';
import { WorkerFlags } from './ui/workers/workerFormat';
import { WorkerOutputChannels } from './ui/workers/workerOutput';
import { WorkerPicker } from './ui/workers/workerPicker';
import { WorkersNode, WorkersTreeProvider } from './ui/workers/workersTree';
import { WorkerSync } from './ui/settings/workerSync';
import { FleetConnection } from './ui/fleet/fleetConnection';
import { registerFleetCommands } from './ui/fleet/fleetCommands';
import { FleetTreeProvider } from './ui/fleet/fleetTree';

/** What activate() returns: enough for the extension-host tests to drive and observe Shepherd. */
export interface ShepherdApi {
  readonly supervisor: Supervisor;
  readonly sessions: SessionManager;
  readonly panels: SessionPanels;
  readonly tree: WorkersTreeProvider;
  readonly workersView: vscode.TreeView<WorkersNode>;
  /** How long activate() took, in milliseconds (the benchmark reads it through the host suite). */
  readonly activationMs: number;
  /** Re-reads settings and Procfiles now; resolves once the result is applied. */
  reconcile(): Promise<void>;
}

const STATUS_FILE_NAME = 'status.json';
const TRANSCRIPTS_DIR = 'transcripts';

/** The core of this activation and its last-resort exit hook, for deactivate(). */
let active: { core: ShepherdCore; onExit: () => void } | undefined;

/** Workspace storage keeps each window's files apart; an empty window has only global storage. */
function storageDir(context: vscode.ExtensionContext): string {
  return (context.storageUri ?? context.globalStorageUri).fsPath;
}

function statusFilePath(context: vscode.ExtensionContext): string {
  return readStatusFileSetting() ?? path.join(storageDir(context), STATUS_FILE_NAME);
}

function showProblems(
  problems: readonly string[],
  logger: Logger,
  notifier: Notifier,
  openSettings: () => unknown,
): void {
  for (const problem of problems) {
    logger.warn(problem);
  }
  if (problems.length > 0) {
    notifier.warn(
      `Shepherd: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more in the log)` : ''}`,
      { title: 'Open Settings', run: openSettings },
    );
  }
}

interface SessionWiring {
  readonly manager: SessionManager;
  readonly panels: SessionPanels;
}

/** Sessions: the manager's panels, commands and notifications (UI). */
function wireSessions(
  context: vscode.ExtensionContext,
  wiring: { core: ShepherdCore; notifier: Notifier; tree: WorkersTreeProvider; settingProblems: readonly string[] },
  store: DisposableStore,
  openSettings: () => Thenable<unknown>,
): SessionWiring {
  const { notifier, tree } = wiring;
  const { logger, tasks, sessions: manager } = wiring.core;
  const demo: DemoAgentLocation = {
    nodePath: process.execPath,
    script: path.join(context.extensionPath, 'dist', 'demo-agent.js'),
  };
  const agents = (): ReturnType<typeof readAgents> => {
    const problems: string[] = [];
    const read = readAgents(demo, problems);
    showProblems(problems, logger, notifier, openSettings);
    return read;
  };
  showProblems(wiring.settingProblems, logger, notifier, openSettings);
  store.add(manager);
  const folders = new SessionFolders();
  const restored = tasks.run('restore sessions', () => manager.restore(agents()));
  const panels = store.add(
    new SessionPanels({
      manager,
      extensionUri: context.extensionUri,
      logger,
      cwdFor: (sessionId) => folders.get(sessionId),
      track: (name, work) => void tasks.run(name, work),
      restored,
    }),
  );
  store.add(vscode.window.registerWebviewPanelSerializer(SESSION_VIEW_TYPE, panels));
  registerSessionCommands({ manager, panels, notifier, logger, agents, openSettings }, folders, store);
  store.add(
    new SessionAttention(
      manager,
      notifier,
      (id) => panels.isVisible(id),
      () => readSessionSettings([]).notifications,
      (id) => panels.open(id, manager.get(id)?.title ?? 'Session'),
    ),
  );
  store.add(manager.onDidChangeSession((change) => change.view.workerId && tree.refresh(change.view.workerId)));
  store.add(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.sessions`)) {
        const problems: string[] = [];
        const next = readSessionSettings(problems);
        showProblems(problems, logger, notifier, openSettings);
        manager.idleTimeoutMs = next.idleTimeoutMs;
        manager.stallTimeoutMs = next.stallTimeoutMs;
        manager.setPoolSize(next.poolSize);
      }
    }),
  );
  return { manager, panels };
}

/** Stops what a crashed previous run left behind, before any worker of this run starts. */
async function recoverOrphans(
  supervisor: Supervisor,
  notifier: Notifier,
  logger: Logger,
  showActivityLog: () => void,
): Promise<void> {
  const reports = await supervisor.recoverOrphans();
  const stopped = reports.filter((report) => report.outcome === 'terminated').length;
  if (reports.length > 0) {
    logger.info(`orphan recovery: ${reports.length} recorded group(s) checked, ${stopped} stopped`);
  }
  if (stopped > 0) {
    notifier.info(
      `Shepherd stopped ${stopped} worker${stopped === 1 ? '' : 's'} that a previous session left running.`,
      {
        title: 'Show Activity Log',
        run: showActivityLog,
      },
    );
  }
}

function wire(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  logger: Logger,
  store: DisposableStore,
): Omit<ShepherdApi, 'activationMs'> {
  const settingProblems: string[] = [];
  const sessionSettings = readSessionSettings(settingProblems);
  const core = createShepherdCore({
    logger,
    supervisor: { statusFilePath: statusFilePath(context) },
    sessions: {
      store: new TranscriptStore(path.join(storageDir(context), TRANSCRIPTS_DIR)),
      idleTimeoutMs: sessionSettings.idleTimeoutMs,
      stallTimeoutMs: sessionSettings.stallTimeoutMs,
      poolSize: sessionSettings.poolSize,
    },
  });
  const { supervisor, tasks, activity } = core;
  // If the host dies without deactivate(), SIGKILL every group synchronously on the way out.
  const onExit = (): void => void supervisor.killAllSync();
  process.on('exit', onExit);
  active = { core, onExit };

  const notifier = new Notifier(tasks);
  const trust = new WorkerTrust(notifier);
  const outputs = store.add(new WorkerOutputChannels(supervisor));
  const terminals = store.add(new WorkerTerminals(supervisor));
  const activityLog = store.add(new ActivityLogView(activity));
  const control = new WorkerControl(supervisor, trust, notifier, logger, (id) => outputs.show(id));
  const openSettings = (): Thenable<unknown> => vscode.commands.executeCommand(COMMANDS.openSettings);
  const sync = store.add(
    new WorkerSync({ supervisor, tasks, control, trust, notifier, logger, openSettings, showLog: () => log.show() }),
  );
  // Sessions are wired after the tree, which shows them; until then no worker can be an agent's.
  let sessions: SessionWiring | undefined;
  const flagsOf = (id: string): WorkerFlags => ({
    removable: !sync.owns(id) && supervisor.get(id)?.source !== 'session',
    restricted: trust.isRestricted(id),
    session: sessions?.manager.sessionOfWorker(id),
  });

  const tree = store.add(new WorkersTreeProvider(supervisor, flagsOf, readGroupBy()));
  const workersView = store.add(
    vscode.window.createTreeView('shepherd.workers', { treeDataProvider: tree, showCollapseAll: true }),
  );
  sessions = wireSessions(context, { core, notifier, tree, settingProblems }, store, openSettings);
  const manager = sessions.manager;
  registerRowClick(workersView, (id) => manager.sessionOfWorker(id) !== undefined, { logger, notifier }, store);
  store.add(
    new WorkersStatusBar(supervisor, {
      totals: () => ({ sessions: manager.list().length, ...manager.totals() }),
      onDidChange: (listener) => manager.onDidChangeSession(listener),
    }),
  );
  store.add(new WorkerContextKeys(supervisor, tasks));
  const picker = new WorkerPicker(supervisor, flagsOf, notifier);
  registerCommands(
    {
      supervisor,
      control,
      trust,
      picker,
      outputs,
      terminals,
      activityLog,
      notifier,
      logger,
      flagsOf,
      extensionId: context.extension.id,
    },
    store,
  );

  wireFleet(context, core, { notifier, logger }, store);

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

  void tasks.run('startup', async () => {
    await recoverOrphans(supervisor, notifier, logger, () => activityLog.show());
    await sync.reconcile('startup');
  });
  return {
    supervisor,
    sessions: manager,
    panels: sessions.panels,
    tree,
    workersView,
    reconcile: () => sync.reconcile('requested'),
  };
}

/** The Fleet view: opt-in, and never in the way of local supervision (it only reads snapshots). */
function wireFleet(
  context: vscode.ExtensionContext,
  core: ShepherdCore,
  report: { notifier: Notifier; logger: Logger },
  store: DisposableStore,
): void {
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? 'unknown');
  const connection = store.add(new FleetConnection(core, context.secrets, version));
  const fleetTree = store.add(new FleetTreeProvider());
  store.add(vscode.window.createTreeView('shepherd.fleet', { treeDataProvider: fleetTree }));
  store.add(connection.onDidChangeView((view) => fleetTree.update(view)));
  registerFleetCommands({ connection, secrets: context.secrets, ...report }, store);
  connection.reconnect('startup');
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
    const activationMs = performance.now() - started;
    logger.info(`activated in ${Math.round(activationMs)} ms`);
    return { ...api, activationMs };
  } catch (error) {
    // VS Code only logs a failed activation; the user has to hear about it from us.
    logger.error(`activation failed: ${describeError(error)}`);
    store.dispose();
    if (active) {
      // Nothing has been started yet (that is the last step of wiring): disposing is enough.
      process.off('exit', active.onExit);
      active.core.dispose();
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
  const { core, onExit } = active;
  active = undefined;
  try {
    await core.shutdown();
  } finally {
    // Only now: until shutdown finished, the exit hook is still the safety net.
    process.off('exit', onExit);
  }
}
