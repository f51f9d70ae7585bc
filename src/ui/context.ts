import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from '../core/base/events';
import { AgentConfig } from '../core/sessions/agentConfig';
import { ShepherdCore } from '../core/shepherdCore';
import { COMMANDS } from './commands/commandIds';
import { Notifier } from './common/notifier';
import { LastUsedAgent } from './sessions/agentPicker';
import { readAgents } from './sessions/agentSettings';
import { SessionFolders } from './sessions/sessionFolders';
import { SessionPanels } from './sessions/sessionPanel';
import { TOOL_DIFF_SCHEME, ToolDiffProvider } from './sessions/toolDocuments';
import { WorkerTrust } from './settings/trust';
import { WorkerSync } from './settings/workerSync';
import { ActivityLogView } from './status/activityLogView';
import { WorkerTerminals } from './workers/terminal';
import { WorkerControl } from './workers/workerControl';
import { WorkerFlags } from './workers/workerFormat';
import { WorkerOutputChannels } from './workers/workerOutput';
import { WorkerPicker } from './workers/workerPicker';
import { WorktreeWiring, wireWorktrees } from './worktrees/worktreeWiring';

/**
 * What the UI adapters share, built once per activation (rust-analyzer's Ctx): the core's pieces and
 * the long-lived UI services. An adapter takes a Pick of it naming what it uses. Shutting the core
 * down stays with extension.ts, which owns it.
 */
export interface ShepherdContext extends Pick<ShepherdCore, 'logger' | 'tasks' | 'supervisor' | 'sessions'> {
  readonly extensionId: string;
  readonly extensionUri: vscode.Uri;
  readonly notifier: Notifier;
  readonly openSettings: () => Thenable<unknown>;
  readonly showLog: () => void;
  readonly trust: WorkerTrust;
  readonly control: WorkerControl;
  readonly outputs: WorkerOutputChannels;
  readonly terminals: WorkerTerminals;
  readonly activityLog: ActivityLogView;
  readonly sync: WorkerSync;
  readonly picker: WorkerPicker;
  /** Facts about a worker that live outside the supervisor: who owns it, whether it may run, its session. */
  readonly flagsOf: (id: string) => WorkerFlags;
  /** The configured agents, read when asked so settings edits apply at once; bad entries are reported. */
  readonly agents: () => readonly AgentConfig[];
  /** The agent the last session was started with: the picker's default. */
  readonly lastAgent: LastUsedAgent;
  readonly folders: SessionFolders;
  readonly panels: SessionPanels;
  /** Which sessions run in a git worktree, and where a new session's agent runs. */
  readonly worktrees: WorktreeWiring;
  /** Fires with a session id when something the tree shows of it changed outside the core (its worktree). */
  readonly onDidChangeSessionDetail: vscode.Event<string>;
}

type BaseContext = Pick<
  ShepherdContext,
  | 'logger'
  | 'tasks'
  | 'supervisor'
  | 'sessions'
  | 'extensionId'
  | 'extensionUri'
  | 'notifier'
  | 'openSettings'
  | 'showLog'
>;

type WorkerServices = Pick<
  ShepherdContext,
  'trust' | 'control' | 'outputs' | 'terminals' | 'activityLog' | 'sync' | 'picker' | 'flagsOf'
>;

type SessionServices = Pick<
  ShepherdContext,
  'agents' | 'lastAgent' | 'folders' | 'panels' | 'worktrees' | 'onDidChangeSessionDetail'
>;

function workerServices(
  base: BaseContext,
  core: ShepherdCore,
  worktrees: WorktreeWiring,
  store: DisposableStore,
): WorkerServices {
  const { supervisor, notifier, logger, sessions } = base;
  const trust = new WorkerTrust(notifier);
  const outputs = store.add(new WorkerOutputChannels(supervisor));
  const terminals = store.add(new WorkerTerminals(supervisor));
  const activityLog = store.add(new ActivityLogView(core.activity));
  const control = new WorkerControl(supervisor, trust, notifier, logger, (id) => outputs.show(id));
  const sync = store.add(new WorkerSync({ ...base, control, trust }));
  const flagsOf = (id: string): WorkerFlags => {
    const session = sessions.sessionOfWorker(id);
    return {
      removable: !sync.owns(id) && supervisor.get(id)?.source !== 'session',
      restricted: trust.isRestricted(id),
      session,
      worktree: session && worktrees.describe(session.id),
      warmSpare: sessions.isWarmSpare(id),
    };
  };
  const picker = new WorkerPicker(supervisor, flagsOf, notifier);
  return { trust, control, outputs, terminals, activityLog, sync, picker, flagsOf };
}

/** Starts restoring the sessions of the last window; panels revived by VS Code wait for it. */
function sessionServices(
  base: BaseContext,
  extension: vscode.ExtensionContext,
  store: DisposableStore,
): SessionServices {
  const { sessions, notifier, openSettings, tasks, logger } = base;
  const extensionPath = extension.extensionPath;
  const demo = { nodePath: process.execPath, script: path.join(extensionPath, 'dist', 'demo-agent.js') };
  const agents = (): readonly AgentConfig[] => {
    const problems: string[] = [];
    const read = readAgents(demo, problems);
    notifier.warnProblems(problems, { actions: [{ title: vscode.l10n.t('Open Settings'), run: openSettings }] });
    return read;
  };
  store.add(sessions);
  const folders = new SessionFolders((id) => sessions.placeOf(id)?.cwd);
  const detailChanged = store.add(new vscode.EventEmitter<string>());
  const worktrees = wireWorktrees(
    {
      manager: sessions,
      supervisor: base.supervisor,
      tasks,
      logger,
      notifier,
      onDidChange: (id) => detailChanged.fire(id),
    },
    store,
  );
  const restored = tasks.run('restore sessions', () => sessions.restore(agents()));
  const panels = store.add(new SessionPanels({ ...base, folders }, restored));
  store.add(vscode.workspace.registerTextDocumentContentProvider(TOOL_DIFF_SCHEME, new ToolDiffProvider(sessions)));
  const lastAgent = new LastUsedAgent(extension.workspaceState, extension.globalState);
  return { agents, lastAgent, folders, panels, worktrees, onDidChangeSessionDetail: detailChanged.event };
}

/** Builds the context over the core; everything disposable it creates goes into `store`. */
export function createShepherdContext(
  core: ShepherdCore,
  extension: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  store: DisposableStore,
): ShepherdContext {
  const { logger, tasks, supervisor, sessions } = core;
  const base: BaseContext = {
    logger,
    tasks,
    supervisor,
    sessions,
    extensionId: extension.extension.id,
    extensionUri: extension.extensionUri,
    notifier: store.add(new Notifier(tasks, logger)),
    openSettings: () => vscode.commands.executeCommand(COMMANDS.openSettings),
    showLog: () => log.show(),
  };
  const sessionSide = sessionServices(base, extension, store);
  return {
    ...base,
    ...workerServices(base, core, sessionSide.worktrees, store),
    ...sessionSide,
  };
}
