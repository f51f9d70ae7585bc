import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { DisposableStore } from '../base/events';
import { describeError } from '../base/logger';
import { AcpSignInMethod, AgentSignInRequiredError } from './acp/acpSignIn';
import { AgentConfig, canResume } from './agentConfig';
import { AgentConnection, ConnectionOptions, EarlierMessage } from './agentConnection';
import { AgentEventSignals, applyAgentEvent } from './agentEventMapper';
import { AgentLaunchContext, launchAgent } from './agentLauncher';
import { Session } from './session';
import { SessionSaving } from './sessionSaving';
import { TranscriptStore } from './transcripts/transcriptStore';
import { WarmPool } from './warmPool';

/**
 * A session's agent connection over its life: launched (or taken warm from the pool), resumed after
 * the agent exited, replaced by a restart, and retired. A replacement lands only if nobody replaced
 * the agent meanwhile, so two restarts racing never leave two processes attached to one session.
 */

export interface SessionConnectionsContext extends AgentLaunchContext {
  /** Where pi keeps its conversation files; none are kept without a store. */
  readonly store: TranscriptStore | undefined;
  readonly saving: SessionSaving;
  readonly poolSize: number;
  /** What an agent's events tell the manager. */
  readonly signals: AgentEventSignals;
  /** Whether the session is still open: a closed one takes no new agent. */
  isOpen(session: Session): boolean;
  /** The session's view changed. */
  changed(session: Session): void;
  /** An ACP agent will not open the session until the user signs in with one of `methods`. */
  needsSignIn(session: Session, methods: readonly AcpSignInMethod[]): void;
}

/** Where the session's agent runs: its own configured folder, else the session's. */
function agentCwdOf(session: Session, cwd: string): string {
  return session.agent.cwd ?? cwd;
}

/** The user's and the agent's messages so far, for an agent that cannot reload the conversation. */
function earlierMessagesOf(session: Session): EarlierMessage[] {
  return session.transcript
    .list()
    .flatMap((entry) =>
      entry.kind === 'user' || entry.kind === 'assistant' ? [{ role: entry.kind, text: entry.text }] : [],
    );
}

export class SessionConnections {
  /** Idle agent processes, so a new session's first message need not wait for one to start. */
  readonly pool: WarmPool;

  constructor(private readonly context: SessionConnectionsContext) {
    this.pool = new WarmPool(
      (agent, cwd, workerId) =>
        this.launch(agent, {
          workerId,
          label: l10n.t('{0} (warm)', agent.label),
          cwd,
          resumeId: undefined,
          sessionFile: this.sessionFileFor(agent, workerId),
        }),
      context.poolSize,
      context.tasks,
      context.logger,
    );
  }

  /**
   * Returns the session's live agent, starting (or resuming) one if needed. Runs under the
   * session's turn lock. The replacement only lands if nobody replaced the agent meanwhile.
   */
  async ensure(session: Session, cwd: string): Promise<AgentConnection | undefined> {
    const current = session.connection;
    if (current?.isAlive) {
      return current;
    }
    session.phase = 'starting';
    session.message = undefined;
    session.needsSignIn = false;
    this.context.changed(session);
    try {
      const fresh = await this.startFor(session, cwd);
      if (!this.replace(session, current, fresh)) {
        await fresh.close();
      }
      this.pool.agentStarted(session.agent, agentCwdOf(session, cwd));
      session.phase = undefined;
      return session.connection;
    } catch (error) {
      session.phase = 'failed';
      session.message = describeError(error);
      session.transcript.addError(l10n.t('Could not start {0}: {1}', session.agent.label, session.message));
      this.context.saving.save(session);
      if (error instanceof AgentSignInRequiredError) {
        session.needsSignIn = true;
        this.context.needsSignIn(session, error.methods);
      }
      return undefined;
    } finally {
      this.context.changed(session);
    }
  }

  /**
   * Replaces the session's agent with a fresh process (resuming the conversation where the agent
   * can). If another restart lands first, this one's process is closed and the winner kept.
   */
  async restart(session: Session, cwd: string): Promise<void> {
    const expected = session.connection;
    session.expectingExit = true;
    const fresh = await this.startFor(session, cwd);
    if (!this.replace(session, expected, fresh)) {
      await fresh.close();
    }
  }

  private launch(agent: AgentConfig, options: ConnectionOptions): Promise<AgentConnection> {
    const { supervisor, tasks, logger, host } = this.context;
    return launchAgent({ supervisor, tasks, logger, host }, agent, options);
  }

  /** pi keeps its conversation in a file; Shepherd chooses where, so a new process can continue it. */
  private sessionFileFor(agent: AgentConfig, key: string): string | undefined {
    const store = this.context.store;
    if (agent.kind !== 'pi' || !store) {
      return undefined;
    }
    return path.join(store.dir, 'pi', `${key}.jsonl`);
  }

  private async startFor(session: Session, cwd: string): Promise<AgentConnection> {
    const agentCwd = agentCwdOf(session, cwd);
    const resuming = session.resumeId !== undefined && canResume(session.agent);
    if (!resuming && session.transcript.list().length === 0) {
      const warm = this.pool.take(session.agent, agentCwd);
      if (warm) {
        this.context.supervisor.relabel(warm.workerId, `${session.agent.label} · ${session.title}`);
        return warm;
      }
    }
    if (session.transcript.list().some((e) => e.kind === 'assistant')) {
      session.transcript.addNotice(
        resuming
          ? l10n.t('Resuming the conversation in a new agent process…')
          : l10n.t('Starting a new agent process: it does not remember the earlier conversation.'),
      );
    }
    return this.launch(session.agent, {
      // Each process gets its own worker id: a replacement starts before its predecessor is retired.
      workerId: `session-${session.id.slice(0, 8)}-${++session.generation}`,
      label: `${session.agent.label} · ${session.title}`,
      cwd: agentCwd,
      resumeId: resuming ? session.resumeId : undefined,
      sessionFile: this.sessionFileFor(session.agent, session.id),
      earlierMessages: () => earlierMessagesOf(session),
    });
  }

  /**
   * Installs `fresh` as the session's agent only if the session still has `expected`: a concurrent
   * restart that already installed another process is not clobbered. Returns whether it landed.
   */
  private replace(session: Session, expected: AgentConnection | undefined, fresh: AgentConnection): boolean {
    if (session.connection !== expected || !this.context.isOpen(session)) {
      return false;
    }
    const previous = session.connection;
    const subscriptions = new DisposableStore();
    subscriptions.add(fresh.onEvent((event) => applyAgentEvent(session, event, this.context.signals)));
    subscriptions.add(fresh.onExit((how) => this.onAgentExit(session, how)));
    session.attach(fresh, subscriptions);
    session.expectingExit = false;
    if (previous && previous !== fresh) {
      void this.context.tasks.run(`retire old agent of ${session.id}`, () => previous.close());
    }
    this.context.supervisor.setSessionState(fresh.workerId, session.state);
    return true;
  }

  private onAgentExit(session: Session, how: string): void {
    if (!session.expectingExit && !session.turnLock.isLocked()) {
      session.transcript.addNotice(`${l10n.t('The agent stopped ({0}).', how)} ${session.nextMessageNotice()}`);
    }
    this.context.changed(session);
    this.context.saving.save(session);
  }
}
