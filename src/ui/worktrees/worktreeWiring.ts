import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { describeError, Logger } from '../../core/base/logger';
import { TaskRegistry } from '../../core/base/taskRegistry';
import { SessionManager } from '../../core/sessions/sessionManager';
import { Supervisor } from '../../core/workers/supervisor';
import { recordCheckpoint, START_CHECKPOINT, turnCheckpointLabel } from '../../core/worktrees/checkpoints';
import { GitRunner } from '../../core/worktrees/gitRunner';
import { WorktreeInfo } from '../../core/worktrees/worktreeModel';
import { removeWorktree } from '../../core/worktrees/worktreeOutcome';
import { runWorktreeSetup } from '../../core/worktrees/worktreeSetup';
import { SECTION } from '../settings/configuration';
import { AgentPlacement } from '../sessions/sessionCommands';
import { Notifier } from '../common/notifier';
import { GIT_SHOW_SCHEME, GitShowProvider } from './gitShowProvider';
import { SessionWorktrees } from './sessionWorktrees';
import { chooseAgentPlace } from './worktreeChoice';
import { describeWorktree } from './worktreeWording';
import { registerWorktreeCommands, settleBeforeClose } from './worktreeCommands';
import { OrphanWorktrees, registerOrphanCommands, watchOrphans } from './orphanWorktrees';

/** Set while a session runs in a worktree: shows the worktree commands in the palette. */
export const HAS_WORKTREE_SESSIONS_KEY = 'shepherd.hasWorktreeSessions';

export interface WorktreeWiring {
  readonly worktrees: SessionWorktrees;
  /** Worktrees in Shepherd's folder that no session owns, for the tree. */
  readonly orphans: OrphanWorktrees;
  /** The tree's line for a session's worktree, or undefined for a session in the workspace folder. */
  describe(sessionId: string): string | undefined;
  placeAgent(folder: string, name: string): Promise<AgentPlacement | undefined>;
  /** Keep or discard a worktree session's changes before it closes; false when the user cancelled. */
  beforeClose(sessionId: string): Promise<boolean>;
}

/** `shepherd.worktrees.setup`, or undefined when empty. */
function readSetupCommand(): string | undefined {
  const value = vscode.workspace.getConfiguration(SECTION).get<unknown>('worktrees.setup');
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Runs the setup in a new worktree before its agent starts. When it fails the session must not
 * start: the worktree and its branch are removed (nothing was in them but the setup's products) and
 * the error says why; the setup's worker stays in the tree with its output.
 */
async function prepareWorktree(
  deps: { git: GitRunner; supervisor: Supervisor; logger: Logger },
  worktree: WorktreeInfo,
): Promise<void> {
  const commandLine = readSetupCommand();
  if (commandLine === undefined) {
    return;
  }
  try {
    await runWorktreeSetup(deps.supervisor, { commandLine, cwd: worktree.path, name: path.basename(worktree.path) });
  } catch (error) {
    const removed = await removeWorktree(deps.git, worktree.repoRoot, worktree.path, true)
      .then(() => deps.git.run({ cwd: worktree.repoRoot, args: ['branch', '-D', '--', worktree.branch] }))
      .then(
        () => vscode.l10n.t('The worktree was removed.'),
        (cleanup: unknown) =>
          vscode.l10n.t('The worktree {0} could not be removed: {1}.', worktree.path, describeError(cleanup)),
      );
    deps.logger.warn(`worktree setup failed in ${worktree.path}; ${removed}`);
    throw new Error(vscode.l10n.t('The session did not start: {0}. {1}', describeError(error), removed));
  }
}

function newSessionName(agentLabel: string): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${agentLabel}-${stamp}`;
}

/**
 * Worktree sessions: the record of which session runs where (kept across reloads), the summary on
 * each tick, a checkpoint at the end of every turn, the review's content provider and commands.
 */
export function wireWorktrees(
  deps: {
    manager: SessionManager;
    supervisor: Supervisor;
    tasks: TaskRegistry;
    logger: Logger;
    notifier: Notifier;
    onDidChange: (sessionId: string) => void;
  },
  store: DisposableStore,
): WorktreeWiring {
  const { manager, tasks, logger, notifier } = deps;
  const git = new GitRunner();
  const worktrees = store.add(new SessionWorktrees(manager, git, tasks, logger));
  const setContextKey = (): void => {
    const hasSessions = worktrees.entries().length > 0;
    void tasks.run('set context key', async () => {
      await vscode.commands.executeCommand('setContext', HAS_WORKTREE_SESSIONS_KEY, hasSessions);
    });
  };
  setContextKey();
  store.add(
    worktrees.onDidChange((sessionId) => {
      setContextKey();
      deps.onDidChange(sessionId);
    }),
  );
  store.add(vscode.workspace.registerTextDocumentContentProvider(GIT_SHOW_SCHEME, new GitShowProvider(git)));
  const commandDeps = { git, worktrees, manager, notifier, logger };
  registerWorktreeCommands(commandDeps, store);
  const orphans = store.add(new OrphanWorktrees(git, worktrees, logger));
  registerOrphanCommands({ git, orphans, notifier, logger }, store);
  store.add(watchOrphans(orphans, manager, tasks));
  store.add(deps.supervisor.onDidTick(() => worktrees.refresh()));
  store.add(
    manager.onDidNeedAttention((event) => {
      const sessionId = event.session.id;
      const worktree = worktrees.get(sessionId);
      if (event.reason !== 'turn-ended' || !worktree) {
        return;
      }
      // Named after the message that began the turn, so "rewind to before the next one" finds it.
      const lastUser = manager
        .transcript(sessionId)
        .filter((entry) => entry.kind === 'user')
        .at(-1);
      if (lastUser) {
        void tasks.run(`checkpoint ${sessionId}`, () =>
          recordCheckpoint(git, worktree.path, sessionId, turnCheckpointLabel(lastUser.id)),
        );
      }
    }),
  );
  return {
    worktrees,
    orphans,
    beforeClose: (sessionId) => settleBeforeClose(commandDeps, sessionId),
    describe: (sessionId) => {
      const info = worktrees.get(sessionId);
      return info && describeWorktree(info.branch, info.baseLabel, worktrees.summary(sessionId));
    },
    placeAgent: async (folder, name) => {
      const place = await chooseAgentPlace(git, folder, newSessionName(name));
      const worktree = place?.worktree;
      if (!place || !worktree) {
        return place && { cwd: place.cwd };
      }
      logger.info(`worktree ${worktree.path} made on ${worktree.branch} from ${worktree.baseLabel}`);
      await prepareWorktree({ git, supervisor: deps.supervisor, logger }, worktree);
      return {
        cwd: place.cwd,
        worktree,
        onCreated: async (sessionId) => {
          await recordCheckpoint(git, worktree.path, sessionId, START_CHECKPOINT).catch((error: unknown) =>
            logger.warn(`[session:${sessionId}] the first checkpoint failed: ${describeError(error)}`),
          );
        },
      };
    },
  };
}
