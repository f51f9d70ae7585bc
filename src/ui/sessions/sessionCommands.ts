import * as os from 'node:os';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { AgentConfig, installHint } from '../../core/sessions/agentConfig';
import { SessionManager } from '../../core/sessions/sessionManager';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import type { ShepherdContext } from '../context';
import { SessionView } from '../../shared/sessionModel';
import { CommandHandler, registerGuardedCommand } from '../commands/commandGuard';
import { SESSION_COMMANDS, SessionCommandKey } from '../commands/commandIds';
import { pickFolder } from '../common/folderPick';
import { pickAgent } from './agentPicker';
import { describeSession } from './sessionPresentation';
import { SessionHistory } from './sessionHistory';
import { exportTranscript } from './transcriptDocuments';
import { checkTitle } from '../../core/sessions/sessionTitle';
import { describeError } from '../../core/base/logger';
import { isWorkerNode } from '../workers/workersTree';

/** What the session commands use of the context. */
export type SessionCommandContext = Pick<
  ShepherdContext,
  'sessions' | 'panels' | 'folders' | 'worktrees' | 'notifier' | 'logger' | 'agents' | 'openSettings' | 'lastAgent'
> & { readonly history: SessionHistory };

/** Where a new session's agent runs, and what to do once the session exists. */
export interface AgentPlacement {
  readonly cwd: string;
  /** Set when `cwd` is a new git worktree: saved with the session's transcript. */
  readonly worktree?: WorktreeInfo;
  readonly onCreated?: (sessionId: string) => Promise<void>;
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

async function pickSession(manager: SessionManager, placeHolder: string): Promise<SessionView | undefined> {
  const sessions = manager.list().sort((a, b) => b.lastActivity - a.lastActivity);
  if (sessions.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Shepherd: there are no sessions. Start one with "Shepherd: New Agent Session…".'),
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
  ctx: SessionCommandContext,
  arg: unknown,
  placeHolder: string,
): Promise<SessionView | undefined> {
  if (isWorkerNode(arg)) {
    const session = ctx.sessions.sessionOfWorker(arg.id);
    if (!session) {
      throw new Error(vscode.l10n.t('The worker "{0}" runs no session.', arg.id));
    }
    return session;
  }
  if (typeof arg === 'string') {
    const session = ctx.sessions.get(arg);
    if (!session) {
      throw new Error(vscode.l10n.t('There is no session "{0}".', arg));
    }
    return session;
  }
  return pickSession(ctx.sessions, placeHolder);
}

async function newSession(ctx: SessionCommandContext, arg: unknown): Promise<string | undefined> {
  const agents = ctx.agents();
  const agent =
    typeof arg === 'string' ? agents.find((candidate) => candidate.id === arg) : await pickAgent(agents, ctx.lastAgent);
  if (!agent) {
    if (typeof arg === 'string') {
      throw new Error(vscode.l10n.t('There is no agent "{0}" in the shepherd.agents setting.', arg));
    }
    return undefined;
  }
  if (!allowedHere(agent)) {
    ctx.notifier.warn(
      vscode.l10n.t(
        "{0} reads this workspace's own configuration, and the workspace is not trusted. " +
          'Trust it to start {0}; the demo agent works either way.',
        agent.label,
      ),
      {
        title: vscode.l10n.t('Manage Workspace Trust'),
        run: () => vscode.commands.executeCommand('workbench.trust.manage'),
      },
    );
    return undefined;
  }
  const where = await pickFolder(vscode.l10n.t('Start the agent in which folder?'));
  if (!where) {
    return undefined;
  }
  const folder = agent.cwd ?? where.folder?.uri.fsPath ?? os.homedir();
  // The workspace folder, or a git worktree made from it (src/ui/worktrees); undefined cancels.
  const placement = await ctx.worktrees.placeAgent(folder, agent.label);
  if (!placement) {
    return undefined;
  }
  const cwd = placement.cwd;
  const session = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Starting {0}…', agent.label) },
    () => ctx.sessions.create(agent, cwd, placement.worktree && { worktree: placement.worktree }),
  );
  ctx.folders.set(session.id, cwd);
  if (session.state !== 'failed') {
    await ctx.lastAgent.remember(agent.id);
  }
  await placement.onCreated?.(session.id);
  ctx.panels.open(session.id, session.title);
  // A sign-in is asked for by its own notification (agentSignIn.ts): the settings are not what is wrong.
  if (session.state === 'failed' && !session.needsSignIn) {
    ctx.notifier.error(
      vscode.l10n.t(
        '{0} could not start: {1}. {2}',
        agent.label,
        session.message ?? vscode.l10n.t('unknown reason'),
        installHint(agent),
      ),
      {
        title: vscode.l10n.t('Open Settings'),
        run: ctx.openSettings,
      },
    );
  }
  return session.id;
}

/** From the palette or a panel's title bar, a command acts on the session whose panel is active. */
async function sessionOfCommand(
  ctx: SessionCommandContext,
  arg: unknown,
  placeHolder: string,
): Promise<SessionView | undefined> {
  const active = arg === undefined ? ctx.panels.activeSessionId() : undefined;
  return (active === undefined ? undefined : ctx.sessions.get(active)) ?? resolveSession(ctx, arg, placeHolder);
}

function titleProblem(value: string): string | undefined {
  try {
    checkTitle(value);
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

/** Rename Session: asks for the name unless a caller (a test, another extension) passes it. */
async function renameSession(ctx: SessionCommandContext, arg: unknown, given: unknown): Promise<string | undefined> {
  const session = await sessionOfCommand(ctx, arg, vscode.l10n.t('Rename which session?'));
  if (!session) {
    return undefined;
  }
  const title =
    typeof given === 'string'
      ? given
      : await vscode.window.showInputBox({
          prompt: vscode.l10n.t('A name for the session "{0}"', session.title),
          value: session.title,
          validateInput: titleProblem,
        });
  if (title === undefined) {
    return undefined;
  }
  ctx.sessions.rename(session.id, title);
  return session.id;
}

function handlers(ctx: SessionCommandContext): Record<SessionCommandKey, CommandHandler> {
  return {
    newSession: (arg) => newSession(ctx, arg),
    openSession: async (arg) => {
      if (arg === undefined) {
        return ctx.history.pick();
      }
      const session = await resolveSession(ctx, arg, vscode.l10n.t('Open which session?'));
      if (session) {
        ctx.panels.open(session.id, session.title);
      }
      return session?.id;
    },
    renameSession: (arg, title) => renameSession(ctx, arg, title),
    exportTranscript: async (arg) => {
      const session = await sessionOfCommand(ctx, arg, vscode.l10n.t('Export the transcript of which session?'));
      if (session) {
        await exportTranscript(ctx, session.id);
      }
      return session?.id;
    },
    closeSession: async (arg) => {
      const session = await resolveSession(
        ctx,
        arg,
        vscode.l10n.t('Close which session? Its agent stops; Open Session… still finds its transcript.'),
      );
      if (session && (await ctx.worktrees.beforeClose(session.id))) {
        await ctx.sessions.close(session.id);
        ctx.folders.delete(session.id);
        ctx.history.prune();
      }
    },
  };
}

/** Registers the session commands. */
export function registerSessionCommands(ctx: SessionCommandContext, store: DisposableStore): void {
  const table = handlers(ctx);
  for (const key of Object.keys(SESSION_COMMANDS) as SessionCommandKey[]) {
    registerGuardedCommand(store, SESSION_COMMANDS[key], table[key], ctx);
  }
}
