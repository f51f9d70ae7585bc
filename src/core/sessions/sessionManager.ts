import * as l10n from '@vscode/l10n';
import { Mutex } from 'async-mutex';
import { randomUUID } from 'node:crypto';
import { Disposable, Emitter, Event } from '../base/events';
import { describeError, Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { Supervisor } from '../workers/supervisor';
import { AgentConfig } from './agentConfig';
import { AgentExitError } from './agentConnection';
import { AgentEventSignals } from './agentEventMapper';
import { AcpClientHost, DISK_HOST } from './acp/clientHost';
import { PermissionDecision, SessionView } from '../../shared/sessionModel';
import { Session } from './session';
import { SessionConnections } from './sessionConnections';
import { AttentionEvent, SessionChange, SignInEvent, TranscriptEvent } from './sessionEvents';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_STALL_TIMEOUT_MS, SessionTimeouts, SessionWatchdog } from './sessionWatchdog';
import { Transcript } from './transcripts/transcript';
import { SessionSaving } from './sessionSaving';
import { checkTitle } from './sessionTitle';
import { StoredSession } from './transcripts/storedSession';
import { TranscriptStore } from './transcripts/transcriptStore';
import { DEFAULT_POOL_SIZE, WarmPool } from './warmPool';
import { WorktreeInfo } from '../worktrees/worktreeModel';
import { SessionUsageRecord } from './usageSummary';

/** Idle and stall checks need no finer grain than this. */
export const SESSION_TICK_MS = 1_000;

export interface SessionManagerOptions {
  readonly supervisor: Supervisor;
  /** Where the manager's background work is tracked; shared with the rest of the core. */
  readonly tasks: TaskRegistry;
  readonly logger: Logger;
  /** Where transcripts persist; without it, sessions live only as long as the window. */
  readonly store: TranscriptStore | undefined;
  /** The editor's files and trust, for ACP agents' file requests; the disk when not given. */
  readonly acpHost?: AcpClientHost;
  readonly idleTimeoutMs?: number;
  readonly stallTimeoutMs?: number;
  readonly poolSize?: number;
  readonly tickMs?: number;
}

/** What a new session is given besides its agent and folder. */
export interface NewSessionPlace {
  readonly title?: string;
  /** The git worktree `cwd` is, saved with the transcript. */
  readonly worktree?: WorktreeInfo;
}

/** Where a session's agent runs; `cwd` is undefined for transcripts of older versions. */
export interface SessionPlace {
  readonly cwd: string | undefined;
  readonly worktree: WorktreeInfo | undefined;
}

export class UnknownSessionError extends Error {
  constructor(id: string) {
    super(l10n.t('There is no session "{0}".', id));
    this.name = 'UnknownSessionError';
  }
}

/**
 * Owns every agent session: creates them (from the warm pool when it can), runs their turns under
 * per-session locks, and connects each to its agent process through SessionConnections, resuming
 * agents that exited or were stopped when idle. What an agent says is mapped by agentEventMapper,
 * idle and stalled agents are handled by the SessionWatchdog, and transcripts are saved by a
 * TranscriptSaver. Plain Node.
 */
export class SessionManager implements Disposable {
  /**
   * Guards the session map for lookups and for spawn-and-insert only; never held across a turn,
   * so creating or listing sessions never waits for an agent that is thinking.
   */
  private readonly mapLock = new Mutex();
  private readonly sessions = new Map<string, Session>();
  private readonly supervisor: Supervisor;
  private readonly tasks: TaskRegistry;
  private readonly logger: Logger;
  /** Where transcripts are kept (history reads it too); undefined when sessions are not saved. */
  readonly store: TranscriptStore | undefined;
  private readonly connections: SessionConnections;
  private readonly pool: WarmPool;
  private readonly changes: Emitter<SessionChange>;
  private readonly transcriptChanges: Emitter<TranscriptEvent>;
  private readonly attention: Emitter<AttentionEvent>;
  private readonly signIns: Emitter<SignInEvent>;
  private readonly timer: NodeJS.Timeout;
  private readonly saving: SessionSaving;
  private readonly watchdog: SessionWatchdog;
  private readonly agentSignals: AgentEventSignals = {
    changed: (session) => this.fireChange(session),
    waitingForInput: (session) => this.attention.fire({ session: session.view(), reason: 'waiting-for-input' }),
  };

  constructor(options: SessionManagerOptions) {
    this.supervisor = options.supervisor;
    this.tasks = options.tasks;
    this.logger = options.logger;
    this.store = options.store;
    this.saving = new SessionSaving(options.store, options.tasks);
    this.watchdog = new SessionWatchdog(
      {
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      },
      options.tasks,
      (session) => this.fireChange(session),
    );
    const onListenerError = (error: unknown): void =>
      this.logger.error(`a session listener threw: ${describeError(error)}`);
    this.changes = new Emitter<SessionChange>(onListenerError);
    this.transcriptChanges = new Emitter<TranscriptEvent>(onListenerError);
    this.attention = new Emitter<AttentionEvent>(onListenerError);
    this.signIns = new Emitter<SignInEvent>(onListenerError);
    this.connections = new SessionConnections({
      supervisor: this.supervisor,
      tasks: this.tasks,
      logger: this.logger,
      host: options.acpHost ?? DISK_HOST,
      store: options.store,
      saving: this.saving,
      poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
      signals: this.agentSignals,
      isOpen: (session) => this.sessions.has(session.id),
      changed: (session) => this.fireChange(session),
      needsSignIn: (session, methods) => this.signIns.fire({ session: session.view(), methods }),
    });
    this.pool = this.connections.pool;
    this.timer = setInterval(() => this.tick(), options.tickMs ?? SESSION_TICK_MS);
    this.timer.unref();
  }

  get onDidChangeSession(): Event<SessionChange> {
    return this.changes.event;
  }

  get onDidChangeTranscript(): Event<TranscriptEvent> {
    return this.transcriptChanges.event;
  }

  get onDidNeedAttention(): Event<AttentionEvent> {
    return this.attention.event;
  }

  get onDidNeedSignIn(): Event<SignInEvent> {
    return this.signIns.event;
  }

  // ---- Queries (never wait for a turn) -------------------------------------------------

  list(): SessionView[] {
    return [...this.sessions.values()].map((session) => session.view());
  }

  get(id: string): SessionView | undefined {
    return this.sessions.get(id)?.view();
  }

  transcript(id: string): ReturnType<Transcript['list']> {
    return this.require(id).transcript.list();
  }

  /** The session whose agent runs as this worker, if any. */
  sessionOfWorker(workerId: string): SessionView | undefined {
    return this.list().find((view) => view.workerId === workerId);
  }

  /** Whether this worker is a warm spare agent process that no session has taken yet. */
  isWarmSpare(workerId: string): boolean {
    return this.pool.holds(workerId);
  }

  totals(): { inputTokens: number; outputTokens: number; costUsd: number } {
    return this.list().reduce(
      (sum, view) => ({
        inputTokens: sum.inputTokens + view.usage.inputTokens,
        outputTokens: sum.outputTokens + view.usage.outputTokens,
        costUsd: sum.costUsd + view.usage.costUsd,
      }),
      { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    );
  }

  /** Every session's usage, per day too: what the usage view charts. */
  usageRecords(): SessionUsageRecord[] {
    return [...this.sessions.values()].map((session) => session.usageRecord());
  }

  // ---- Commands --------------------------------------------------------------------------

  /**
   * Opens a new session with an agent and starts its process (a warm one when the pool has it).
   * Resolves with the session even when the agent failed to start: the transcript says why.
   */
  async create(agent: AgentConfig, cwd: string, place: NewSessionPlace = {}): Promise<SessionView> {
    const id = randomUUID();
    const session = await this.mapLock.runExclusive(() => {
      const created = this.newSession(
        id,
        agent,
        place.title ?? `${agent.label} ${this.sessions.size + 1}`,
        Date.now(),
        [],
        undefined,
      );
      created.cwd = cwd;
      created.worktree = place.worktree;
      this.sessions.set(id, created);
      return created;
    });
    if (place.worktree) {
      // Saved at once: a worktree session must survive a reload even before its first message.
      this.saving.save(session);
    }
    this.fireChange(session, 'added');
    await session.turnLock.runExclusive(() => this.connections.ensure(session, cwd));
    return session.view();
  }

  /** Sends the user's message and resolves once the agent's turn is over (or failed, see transcript). */
  async send(id: string, text: string, cwd: string): Promise<void> {
    const session = this.require(id);
    session.touch();
    if (session.titleFromFirstMessage(text)) {
      this.retitled(session);
    }
    session.transcript.addUser(text);
    this.saving.save(session);
    await session.turnLock.runExclusive(async () => {
      const connection = await this.connections.ensure(session, cwd);
      if (!connection) {
        return;
      }
      session.protocolNotices = 0;
      const turn = connection.runTurn(text);
      this.fireChange(session);
      try {
        await turn;
        this.attention.fire({ session: session.view(), reason: 'turn-ended' });
      } catch (error) {
        this.turnFailed(session, error);
      } finally {
        session.stalled = false;
        session.transcript.closeAssistant();
        this.fireChange(session);
        this.saving.save(session);
      }
    });
  }

  interrupt(id: string): void {
    const session = this.require(id);
    session.connection?.interrupt();
    session.touch();
  }

  respond(id: string, requestId: string, decision: PermissionDecision): boolean {
    const session = this.require(id);
    const entry = session.transcript.list().find((e) => e.kind === 'permission' && e.requestId === requestId);
    const answered = session.respond(requestId, decision, entry?.kind === 'permission' ? entry.toolName : undefined);
    if (answered) {
      session.touch();
      this.fireChange(session);
      this.saving.save(session);
    }
    return answered;
  }

  /** Switches an agent with modes (ACP `session/set_mode`); rejects with the agent's reason. */
  async setMode(id: string, modeId: string): Promise<void> {
    const session = this.require(id);
    const connection = session.connection;
    if (!connection?.setMode) {
      throw new Error(l10n.t('{0} has no modes to switch between.', session.agent.label));
    }
    await connection.setMode(modeId);
    this.fireChange(session);
  }

  /** Where a session's agent runs and its worktree; undefined for an unknown session. */
  placeOf(id: string): SessionPlace | undefined {
    const session = this.sessions.get(id);
    return session && { cwd: session.cwd, worktree: session.worktree };
  }

  /** Forgets (or records) a session's worktree, saved with its transcript; false for an unknown session. */
  setWorktree(id: string, worktree: WorktreeInfo | undefined): boolean {
    const session = this.sessions.get(id);
    if (!session) {
      return false;
    }
    session.worktree = worktree;
    this.saving.save(session);
    return true;
  }

  /** Names the session (one line, see checkTitle, which throws for an empty or overlong title). */
  rename(id: string, title: string): void {
    const session = this.require(id);
    session.title = checkTitle(title);
    session.renamed = true;
    this.retitled(session);
  }

  /** Stops the agent and forgets the session; its transcript stays in the store as history. */
  async close(id: string): Promise<void> {
    const session = await this.mapLock.runExclusive(() => {
      const found = this.sessions.get(id);
      this.sessions.delete(id);
      return found;
    });
    if (!session) {
      return;
    }
    session.expectingExit = true;
    await this.saving.saveClosed(session);
    await session.connection?.close();
    this.fireChange(session, 'removed');
    session.dispose();
  }

  /**
   * Brings back the sessions of an earlier window from their transcripts. Their agents are not
   * started: the next message resumes each one.
   */
  async restore(agents: readonly AgentConfig[]): Promise<string[]> {
    if (!this.store) {
      return [];
    }
    const { sessions, problems } = await this.store.loadAll();
    await this.mapLock.runExclusive(() => {
      for (const stored of sessions.filter((candidate) => candidate.closedAt === undefined)) {
        const agent = agents.find((a) => a.id === stored.agentId);
        if (!agent) {
          problems.push(l10n.t('{0}: its agent "{1}" is no longer configured', stored.id, stored.agentId));
          continue;
        }
        if (!this.sessions.has(stored.id)) {
          this.sessions.set(
            stored.id,
            this.newSession(stored.id, agent, stored.title, stored.createdAt, stored.entries, stored),
          );
        }
      }
    });
    for (const session of this.sessions.values()) {
      this.fireChange(session, 'added');
    }
    for (const problem of problems) {
      this.logger.warn(`transcript not restored: ${problem}`);
    }
    return problems;
  }

  /**
   * Brings a closed session back from its transcript, to continue it: its agent starts with the next
   * message (resuming the conversation where the agent can). Saved at once as open again.
   */
  async reopen(stored: StoredSession, agent: AgentConfig): Promise<SessionView> {
    const session = await this.mapLock.runExclusive(() => {
      const existing = this.sessions.get(stored.id);
      if (existing) {
        return existing;
      }
      const reopened = this.newSession(stored.id, agent, stored.title, stored.createdAt, stored.entries, stored);
      this.sessions.set(stored.id, reopened);
      return reopened;
    });
    this.saving.save(session);
    await this.saving.settled(session.id);
    this.fireChange(session, 'added');
    return session.view();
  }

  /**
   * Replaces the session's agent with a fresh process (resuming the conversation where the agent
   * can). If another restart lands first, this one's process is closed and the winner kept.
   */
  async restartAgent(id: string, cwd: string): Promise<SessionView> {
    const session = this.require(id);
    await this.connections.restart(session, cwd);
    this.fireChange(session);
    return session.view();
  }

  /** New idle and stall timeouts, in force from the next tick. */
  applySettings(timeouts: SessionTimeouts): void {
    this.watchdog.applySettings(timeouts);
  }

  setPoolSize(size: number): void {
    this.pool.resize(size);
  }

  /** Stops every agent process and the pool; transcripts are saved first. */
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    for (const session of this.sessions.values()) {
      session.expectingExit = true;
      this.saving.save(session);
    }
    await this.saving.flush();
    await this.pool.dispose();
    await Promise.all([...this.sessions.values()].map((session) => session.connection?.close()));
    this.dispose();
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const session of this.sessions.values()) {
      session.dispose();
    }
    this.changes.dispose();
    this.transcriptChanges.dispose();
    this.attention.dispose();
    this.signIns.dispose();
  }

  // ---- Internals ---------------------------------------------------------------------------

  private require(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) {
      throw new UnknownSessionError(id);
    }
    return session;
  }

  private newSession(
    id: string,
    agent: AgentConfig,
    title: string,
    createdAt: number,
    entries: StoredSession['entries'],
    stored: StoredSession | undefined,
  ): Session {
    const transcript = new Transcript(
      (error) => this.logger.error(`a transcript listener threw: ${describeError(error)}`),
      entries,
    );
    const session = new Session(id, agent, title, createdAt, transcript, stored);
    transcript.onDidChange((change) => this.transcriptChanges.fire({ sessionId: id, change }));
    return session;
  }

  private turnFailed(session: Session, error: unknown): void {
    const failed = l10n.t('The turn failed: {0}.', describeError(error));
    session.transcript.addError(error instanceof AgentExitError ? `${failed} ${session.nextMessageNotice()}` : failed);
  }

  private fireChange(session: Session, kind: SessionChange['kind'] = 'updated'): void {
    const view = session.view();
    if (view.workerId && kind !== 'removed') {
      this.supervisor.setSessionState(view.workerId, view.state);
    }
    this.changes.fire({ kind, view });
  }

  /** The title changed: the agent's worker row and every view of the session follow. */
  private retitled(session: Session): void {
    const workerId = session.connection?.workerId;
    if (workerId !== undefined && this.supervisor.get(workerId)) {
      this.supervisor.relabel(workerId, `${session.agent.label} · ${session.title}`);
    }
    this.fireChange(session);
    this.saving.save(session);
  }

  private tick(): void {
    const now = Date.now();
    this.pool.sweep();
    for (const session of this.sessions.values()) {
      this.watchdog.check(session, now);
    }
  }
}
