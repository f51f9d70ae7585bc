import * as os from 'node:os';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { Logger } from '../../core/base/logger';
import { AgentConfig, installHint } from '../../core/sessions/agentConfig';
import { SessionManager } from '../../core/sessions/sessionManager';
import { SessionView } from '../../shared/sessionModel';
import { CommandHandler, registerGuardedCommand } from '../commands/commandGuard';
import { SESSION_COMMANDS, SessionCommandKey } from '../commands/commandIds';
import { pickFolder } from '../common/folderPick';
import { Notifier } from '../common/notifier';
import { SessionPanels } from './sessionPanel';
import { describeSession } from './sessionPresentation';
import { isWorkerNode } from '../workers/workersTree';

const DEMO_DESCRIPTION = 'demo: canned replies, no API key needed';

export interface SessionCommandDeps {
  readonly manager: SessionManager;
  readonly panels: SessionPanels;
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** The configured agents, read when asked so settings edits apply at once. */
  readonly agents: () => readonly AgentConfig[];
  readonly openSettings: () => Thenable<unknown>;
  /**
   * Where the agent of a new session runs, given the picked folder: the folder, or a git worktree
   * made from it (src/ui/worktrees). Undefined cancels; `onCreated` records the session's place.
   */
  readonly placeAgent?: (folder: string, name: string) => Promise<AgentPlacement | undefined>;
}

/** Where a new session's agent runs, and what to do once the session exists. */
export interface AgentPlacement {
  readonly cwd: string;
  readonly onCreated?: (sessionId: string) => Promise<void>;
}

/**
 * Where each session's agent runs: chosen when the session was created, the first workspace folder
 * for sessions restored from an earlier window.
 */
export class SessionFolders {
  private readonly folders = new Map<string, string>();

  set(sessionId: string, cwd: string): void {
    this.folders.set(sessionId, cwd);
  }

  delete(sessionId: string): void {
    this.folders.delete(sessionId);
  }

  get(sessionId: string): string {
    return this.folders.get(sessionId) ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
  }
}

interface AgentItem extends vscode.QuickPickItem {
  readonly agent: AgentConfig;
}

interface SessionItem extends vscode.QuickPickItem {
  readonly session: SessionView;
}

/**
 * Agents other than the demo read the workspace's own configuration (Claude Code runs its hooks, for
 * one), so in Restricted Mode only the demo may start.
 */
function allowedHere(agent: AgentConfig): boolean {
  return vscode.workspace.isTrusted || agent.kind === 'demo';
}

async function pickAgent(agents: readonly AgentConfig[]): Promise<AgentConfig | undefined> {
  const items: AgentItem[] = agents.map((agent) => ({
    agent,
    label: agent.label,
    description: agent.kind === 'demo' ? DEMO_DESCRIPTION : `${agent.kind} · ${agent.command}`,
    detail: allowedHere(agent) ? undefined : 'Needs a trusted workspace',
  }));
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: 'Start a session with which agent?',
    matchOnDescription: true,
  });
  return picked?.agent;
}

async function pickSession(manager: SessionManager, placeHolder: string): Promise<SessionView | undefined> {
  const sessions = manager.list().sort((a, b) => b.lastActivity - a.lastActivity);
  if (sessions.length === 0) {
    void vscode.window.showInformationMessage(
      'Shepherd: there are no sessions. Start one with "Shepherd: New Agent Session…".',
    );
    return undefined;
  }
  const items: SessionItem[] = sessions.map((session) => ({
    session,
    label: session.title,
    description: `${session.agentLabel} · ${describeSession(session)}`,
  }));
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true }))?.session;
}

/** A session command gets its session from the tree (an agent's worker), from a caller (an id), or by asking. */
async function resolveSession(
  deps: SessionCommandDeps,
  arg: unknown,
  placeHolder: string,
): Promise<SessionView | undefined> {
  if (isWorkerNode(arg)) {
    const session = deps.manager.sessionOfWorker(arg.id);
    if (!session) {
      throw new Error(`The worker "${arg.id}" runs no session.`);
    }
    return session;
  }
  if (typeof arg === 'string') {
    const session = deps.manager.get(arg);
    if (!session) {
      throw new Error(`There is no session "${arg}".`);
    }
    return session;
  }
  return pickSession(deps.manager, placeHolder);
}

async function newSession(
  deps: SessionCommandDeps,
  folders: SessionFolders,
  arg: unknown,
): Promise<string | undefined> {
  const agents = deps.agents();
  const agent = typeof arg === 'string' ? agents.find((candidate) => candidate.id === arg) : await pickAgent(agents);
  if (!agent) {
    if (typeof arg === 'string') {
      throw new Error(`There is no agent "${arg}" in the shepherd.agents setting.`);
    }
    return undefined;
  }
  if (!allowedHere(agent)) {
    deps.notifier.warn(
      `${agent.label} reads this workspace's own configuration, and the workspace is not trusted. ` +
        `Trust it to start ${agent.label}; the demo agent works either way.`,
      {
        title: 'Manage Workspace Trust',
        run: () => vscode.commands.executeCommand('workbench.trust.manage'),
      },
    );
    return undefined;
  }
  const where = await pickFolder('Start the agent in which folder?');
  if (!where) {
    return undefined;
  }
  const folder = agent.cwd ?? where.folder?.uri.fsPath ?? os.homedir();
  const placement = deps.placeAgent ? await deps.placeAgent(folder, agent.label) : { cwd: folder };
  if (!placement) {
    return undefined;
  }
  const cwd = placement.cwd;
  const session = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Starting ${agent.label}…` },
    () => deps.manager.create(agent, cwd),
  );
  folders.set(session.id, cwd);
  await placement.onCreated?.(session.id);
  deps.panels.open(session.id, session.title);
  if (session.state === 'failed') {
    deps.notifier.error(
      `${agent.label} could not start: ${session.message ?? 'unknown reason'}. ${installHint(agent)}`,
      {
        title: 'Open Settings',
        run: deps.openSettings,
      },
    );
  }
  return session.id;
}

function handlers(deps: SessionCommandDeps, folders: SessionFolders): Record<SessionCommandKey, CommandHandler> {
  return {
    newSession: (arg) => newSession(deps, folders, arg),
    openSession: async (arg) => {
      const session = await resolveSession(deps, arg, 'Open which session?');
      if (session) {
        deps.panels.open(session.id, session.title);
      }
      return session?.id;
    },
    closeSession: async (arg) => {
      const session = await resolveSession(
        deps,
        arg,
        'Close which session? Its agent stops and its transcript is deleted.',
      );
      if (session) {
        await deps.manager.close(session.id);
        folders.delete(session.id);
      }
    },
  };
}

/** Registers the session commands. */
export function registerSessionCommands(
  deps: SessionCommandDeps,
  folders: SessionFolders,
  store: DisposableStore,
): void {
  const table = handlers(deps, folders);
  for (const key of Object.keys(SESSION_COMMANDS) as SessionCommandKey[]) {
    registerGuardedCommand(store, SESSION_COMMANDS[key], table[key], deps);
  }
}
