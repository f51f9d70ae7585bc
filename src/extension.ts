import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { DisposableStore } from './core/base/events';
import { describeError, Logger } from './core/base/logger';
import { SessionManager } from './core/sessions/sessionManager';
import { EDITOR_ACP_HOST } from './ui/sessions/editorFiles';
import { TranscriptStore } from './core/sessions/transcripts/transcriptStore';
import { createRecoveryKit, RecoveryKit } from './core/recovery/recoveryKit';
import { stableStatusDir } from './core/recovery/statusLocation';
import { createShepherdCore, ShepherdCore } from './core/shepherdCore';
import { Supervisor } from './core/workers/supervisor';
import { registerCommands } from './ui/commands/commands';
import { ProcfileContextKey, WorkerContextKeys } from './ui/common/contextKeys';
import { channelLogger } from './ui/common/logger';
import { createShepherdContext, ShepherdContext } from './ui/context';
import { readSessionSettings } from './ui/sessions/agentSettings';
import { AgentSignIns, registerAgentSignIn } from './ui/sessions/agentSignIn';
import { SessionAttention } from './ui/sessions/sessionAttention';
import { registerSessionCommands } from './ui/sessions/sessionCommands';
import { SessionHistory } from './ui/sessions/sessionHistory';
import { TRANSCRIPT_SCHEME, TranscriptDocumentProvider } from './ui/sessions/transcriptDocuments';
import { registerUsageView } from './ui/usage/usagePanel';
import { SESSION_VIEW_TYPE, SessionPanels } from './ui/sessions/sessionPanel';
import { readGroupBy, readStatusFileSetting, SECTION } from './ui/settings/configuration';
import { recoverOrphans } from './ui/recovery/orphanRecovery';
import { WorkersStatusBar } from './ui/status/statusBar';
import { registerRowClick } from './ui/workers/rowClick';
import { isWorkerNode, WorkersNode, WorkersTreeProvider } from './ui/workers/workersTree';
import { FleetConnection } from './ui/fleet/fleetConnection';
import { registerFleetCommands } from './ui/fleet/fleetCommands';
import { FleetTreeProvider } from './ui/fleet/fleetTree';
import { isObject } from './shared/untrusted';
import { Notifier } from './ui/common/notifier';

/** What activate() returns: enough for the extension-host tests to drive and observe Shepherd. */
export interface ShepherdApi {
  readonly supervisor: Supervisor;
  readonly sessions: SessionManager;
  readonly panels: SessionPanels;
  readonly tree: WorkersTreeProvider;
  /** What the status bar item says ("2 running · 1 stopping"), for the host suite. */
  readonly statusBar: WorkersStatusBar;
  readonly workersView: vscode.TreeView<WorkersNode>;
  /** The Fleet view's rows: the host suite checks its four states and a peer's workers through it. */
  readonly fleetTree: FleetTreeProvider;
  /** Open Session…'s rows, searched as the picker searches them (the host suite finds old transcripts). */
  readonly history: SessionHistory;
  /** Notifications as they are shown, with their buttons (the host suite presses them). */
  readonly notifier: Notifier;
  /** How long activate() took, in milliseconds (the benchmark reads it through the host suite). */
  readonly activationMs: number;
  /** Re-reads settings and Procfiles now; resolves once the result is applied. */
  reconcile(): Promise<void>;
}

const STATUS_FILE_NAME = 'status.json';
const TRANSCRIPTS_DIR = 'transcripts';

/** The core of this activation, its recovery kit and its last-resort exit hook, for deactivate(). */
let active: { core: ShepherdCore; recovery: RecoveryKit; onExit: () => void } | undefined;

/** Workspace storage keeps each window's files apart; an empty window has only global storage. */
function storageDir(context: vscode.ExtensionContext): string {
  return (context.storageUri ?? context.globalStorageUri).fsPath;
}

/** Where recovery files live, and the per-window status file of earlier versions (migrated once). */
interface StatusLocation {
  readonly dir: string;
  readonly file: string;
  readonly legacy: string;
}

/**
 * Where recovery files live: beside the status file the user chose, or in a folder of global storage
 * keyed by the workspace folders, which a new port, remote authority or reload does not change.
 */
function statusLocation(context: vscode.ExtensionContext): StatusLocation {
  const chosen = readStatusFileSetting();
  const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  const dir = chosen ? path.dirname(chosen) : stableStatusDir(context.globalStorageUri.fsPath, folders);
  return {
    dir,
    file: chosen ?? path.join(dir, STATUS_FILE_NAME),
    legacy: path.join(storageDir(context), STATUS_FILE_NAME),
  };
}

/** Builds the core from the settings; problems with the session settings land in `problems`. */
function buildCore(
  context: vscode.ExtensionContext,
  logger: Logger,
  location: StatusLocation,
  recovery: RecoveryKit,
  signIns: AgentSignIns,
  problems: string[],
): ShepherdCore {
  const sessionSettings = readSessionSettings(problems);
  return createShepherdCore({
    logger,
    supervisor: {
      statusFilePath: location.file,
      extraEnv: recovery.workerEnv,
      groupWatcher: recovery.groupWatcher,
      sessionCpuPriority: sessionSettings.cpuPriority,
    },
    sessions: {
      store: new TranscriptStore(path.join(storageDir(context), TRANSCRIPTS_DIR)),
      acpHost: { ...EDITOR_ACP_HOST, signIns },
      idleTimeoutMs: sessionSettings.idleTimeoutMs,
      stallTimeoutMs: sessionSettings.stallTimeoutMs,
      poolSize: sessionSettings.poolSize,
    },
  });
}

function warnSettingProblems(ctx: ShepherdContext, problems: readonly string[]): void {
  ctx.notifier.warnProblems(problems, { actions: [{ title: vscode.l10n.t('Open Settings'), run: ctx.openSettings }] });
}

/** The Workers view, its row clicks and the status bar item. */
function wireWorkersView(
  ctx: ShepherdContext,
  store: DisposableStore,
): { tree: WorkersTreeProvider; workersView: vscode.TreeView<WorkersNode>; statusBar: WorkersStatusBar } {
  const { supervisor, sessions } = ctx;
  const tree = store.add(new WorkersTreeProvider(supervisor, ctx.flagsOf, readGroupBy()));
  const workersView = store.add(
    vscode.window.createTreeView('shepherd.workers', { treeDataProvider: tree, showCollapseAll: true }),
  );
  registerRowClick(workersView, ctx, store);
  tree.setOrphanedWorktrees(ctx.worktrees.orphans.entries());
  store.add(ctx.worktrees.orphans.onDidChange((rows) => tree.setOrphanedWorktrees(rows)));
  store.add(sessions.onDidChangeSession((change) => change.view.workerId && tree.refresh(change.view.workerId)));
  store.add(
    ctx.onDidChangeSessionDetail((sessionId) => {
      const workerId = sessions.get(sessionId)?.workerId;
      if (workerId) {
        tree.refresh(workerId);
      }
    }),
  );
  const statusBar = store.add(
    new WorkersStatusBar(
      supervisor,
      {
        totals: () => ({ sessions: sessions.list().length, ...sessions.totals() }),
        onDidChange: (listener) => sessions.onDidChangeSession(listener),
      },
      (id) => sessions.isWarmSpare(id),
    ),
  );
  store.add(new WorkerContextKeys(supervisor, ctx.tasks));
  store.add(new ProcfileContextKey(ctx.tasks));
  return { tree, workersView, statusBar };
}

/** Session panels' revival, session commands and history, and the notices about sessions that need the user. */
function wireSessions(ctx: ShepherdContext, signIns: AgentSignIns, store: DisposableStore): SessionHistory {
  const { sessions, panels } = ctx;
  store.add(vscode.window.registerWebviewPanelSerializer(SESSION_VIEW_TYPE, panels));
  store.add(
    vscode.workspace.registerTextDocumentContentProvider(TRANSCRIPT_SCHEME, new TranscriptDocumentProvider(ctx)),
  );
  const history = new SessionHistory(ctx);
  registerSessionCommands({ ...ctx, history }, store);
  registerUsageView(ctx, store);
  registerAgentSignIn({ sessions, signIns, notifier: ctx.notifier }, store);
  store.add(
    new SessionAttention(
      sessions,
      ctx.notifier,
      (id) => panels.isVisible(id),
      () => readSessionSettings([]).notifications,
      (id) => panels.open(id, sessions.get(id)?.title ?? 'Session'),
    ),
  );
  return history;
}

/** Applies settings edits, workspace folder changes and granted trust as they happen. */
function watchSettings(ctx: ShepherdContext, tree: WorkersTreeProvider, store: DisposableStore): void {
  const { sync, sessions } = ctx;
  store.add(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.tree.groupBy`)) {
        tree.setGroupBy(readGroupBy());
      }
      if (['workers', 'procfile', 'defaults'].some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
        void sync.reconcile('settings changed');
      }
      if (event.affectsConfiguration(`${SECTION}.statusFile`)) {
        ctx.notifier.info(
          vscode.l10n.t('Shepherd: the new status file location applies after a reload of the window.'),
        );
      }
      if (event.affectsConfiguration(`${SECTION}.sessions`)) {
        const problems: string[] = [];
        const next = readSessionSettings(problems);
        warnSettingProblems(ctx, problems);
        sessions.applySettings({ idleTimeoutMs: next.idleTimeoutMs, stallTimeoutMs: next.stallTimeoutMs });
        sessions.setPoolSize(next.poolSize);
        ctx.supervisor.setSessionCpuPriority(next.cpuPriority);
      }
    }),
  );
  store.add(vscode.workspace.onDidChangeWorkspaceFolders(() => void sync.reconcile('workspace folders changed')));
  store.add(
    ctx.trust.onDidGrant(() => {
      tree.refreshAll();
      sync.startHeldBack();
    }),
  );
}

function wire(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  logger: Logger,
  store: DisposableStore,
): Omit<ShepherdApi, 'activationMs'> {
  const settingProblems: string[] = [];
  const location = statusLocation(context);
  const recovery = createRecoveryKit({
    statusDir: location.dir,
    sentinelScript: path.join(context.extensionPath, 'dist', 'sentinel.js'),
    logger,
    // Called only once the sentinel runs, which is after the core exists.
    onWarning: (message) => core.activity.record('warning', undefined, message),
  });
  const signIns = new AgentSignIns(context.secrets, logger);
  const core = buildCore(context, logger, location, recovery, signIns, settingProblems);
  // If the host dies without deactivate(), SIGKILL every group synchronously on the way out.
  const onExit = (): void => void core.supervisor.killAllSync();
  process.on('exit', onExit);
  active = { core, recovery, onExit };
  recovery.start();

  const ctx = createShepherdContext(core, context, log, store);
  warnSettingProblems(ctx, settingProblems);
  const { tree, workersView, statusBar } = wireWorkersView(ctx, store);
  const history = wireSessions(ctx, signIns, store);
  registerCommands({ ...ctx, selectedWorker: () => workersView.selection.find(isWorkerNode)?.id }, store);
  const fleetTree = wireFleet(context, core, { notifier: ctx.notifier, logger }, store);
  watchSettings(ctx, tree, store);

  void ctx.tasks.run('startup', async () => {
    await recoverOrphans({
      supervisor: ctx.supervisor,
      kit: recovery,
      activity: core.activity,
      notifier: ctx.notifier,
      logger,
      showStopping: (count) => tree.setRecovering(count),
      showActivityLog: () => ctx.activityLog.show(),
      statusFile: location.file,
      legacyStatusFile: location.legacy,
    });
    await ctx.sync.reconcile('startup');
  });
  return {
    supervisor: ctx.supervisor,
    sessions: ctx.sessions,
    panels: ctx.panels,
    tree,
    workersView,
    fleetTree,
    statusBar,
    history,
    notifier: ctx.notifier,
    reconcile: () => ctx.sync.reconcile('requested'),
  };
}

/** The Fleet view: opt-in, and never in the way of local supervision (it only reads snapshots). */
function wireFleet(
  context: vscode.ExtensionContext,
  core: ShepherdCore,
  report: { notifier: Notifier; logger: Logger },
  store: DisposableStore,
): FleetTreeProvider {
  const manifest: unknown = context.extension.packageJSON;
  const version = isObject(manifest) && typeof manifest.version === 'string' ? manifest.version : 'unknown';
  const connection = store.add(new FleetConnection(core, context.secrets, version));
  const fleetTree = store.add(new FleetTreeProvider());
  store.add(vscode.window.createTreeView('shepherd.fleet', { treeDataProvider: fleetTree }));
  store.add(connection.onDidChangeView((view) => fleetTree.update(view)));
  registerFleetCommands({ connection, secrets: context.secrets, ...report }, store);
  connection.reconnect('startup');
  return fleetTree;
}

export function activate(context: vscode.ExtensionContext): ShepherdApi {
  const started = performance.now();
  // Modules that cannot import vscode (the core, pure UI modules) use @vscode/l10n: one bundle for both.
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
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
      active.recovery
        .close()
        .catch((closeError: unknown) => logger.error(`could not stop the sentinel: ${describeError(closeError)}`));
      active = undefined;
    }
    const showLog = vscode.l10n.t('Show Log');
    vscode.window.showErrorMessage(vscode.l10n.t('Shepherd could not start: {0}', describeError(error)), showLog).then(
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
  const { core, recovery, onExit } = active;
  active = undefined;
  try {
    await core.shutdown();
    // Only after every group is stopped: a goodbye tells the sentinel there is nothing left to stop.
    await recovery.close();
  } finally {
    // Only now: until shutdown finished, the exit hook is still the safety net.
    process.off('exit', onExit);
  }
}
