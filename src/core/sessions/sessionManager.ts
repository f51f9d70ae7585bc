import { Mutex } from 'async-mutex';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Disposable, DisposableStore, Emitter, Event } from '../base/events';
import { describeError, Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { Supervisor } from '../workers/supervisor';
import { AgentConfig, canResume } from './agentConfig';
import { AgentConnection, AgentExitError, ConnectionOptions } from './agentConnection';
import { launchAgent } from './agentLauncher';
import { applyAcpEvent } from './acp/acpSessionEvents';
import { AcpClientHost, DISK_HOST } from './acp/clientHost';
import { AgentEvent } from './protocols/agentEvents';
import { PermissionDecision, SessionView, TranscriptChange } from '../../shared/sessionModel';
import { Session, MAX_PROTOCOL_NOTICES_PER_TURN } from './session';
import { Transcript } from './transcripts/transcript';
import { StoredSession, TranscriptStore } from './transcripts/transcriptStore';
import { DEFAULT_POOL_SIZE, WarmPool } from './warmPool';

/** Thirty idle minutes: long enough for a coffee, short enough not to hoard memory all day. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;
/** Five silent minutes in the middle of a turn is far beyond any model's think time. */
export const DEFAULT_STALL_TIMEOUT_MS = 5 * 60_000;
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

export interface SessionChange {
  readonly kind: 'added' | 'updated' | 'removed';
  readonly view: SessionView;
}

export interface TranscriptEvent {
  readonly sessionId: string;
  readonly change: TranscriptChange;
}

/** A moment the user may want to know about even if the session's panel is hidden. */
export interface AttentionEvent {
  readonly session: SessionView;
  readonly reason: 'turn-ended' | 'waiting-for-input';
}

export class UnknownSessionError extends Error {
  constructor(id: string) {
    super(`There is no session "${id}".`);
    this.name = 'UnknownSessionError';
  }
}

/**
 * Owns every agent session: creates them (from the warm pool when it can), runs their turns under
 * per-session locks, resumes agents that exited or were stopped when idle, watches for stalls, and
 * persists transcripts. Plain Node.
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
  private readonly store: TranscriptStore | undefined;
  private readonly acpHost: AcpClientHost;
  private readonly pool: WarmPool;
  private readonly changes: Emitter<SessionChange>;
  private readonly transcriptChanges: Emitter<TranscriptEvent>;
  private readonly attention: Emitter<AttentionEvent>;
  private readonly timer: NodeJS.Timeout;
  private readonly saving = new Map<string, Promise<unknown>>();
  idleTimeoutMs: number;
  stallTimeoutMs: number;

  constructor(options: SessionManagerOptions) {
    this.supervisor = options.supervisor;
    this.tasks = options.tasks;
    this.logger = options.logger;
    this.store = options.store;
    this.acpHost = options.acpHost ?? DISK_HOST;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    const onListenerError = (error: unknown): void =>
      this.logger.error(`a session listener threw: ${describeError(error)}`);
    this.changes = new Emitter<SessionChange>(onListenerError);
    this.transcriptChanges = new Emitter<TranscriptEvent>(onListenerError);
    this.attention = new Emitter<AttentionEvent>(onListenerError);
    this.pool = new WarmPool(
      (agent, cwd, workerId) =>
        this.launch(agent, {
          workerId,
          label: `${agent.label} (warm)`,
          cwd,
          resumeId: undefined,
          sessionFile: this.sessionFileFor(agent, workerId),
        }),
      options.poolSize ?? DEFAULT_POOL_SIZE,
      this.tasks,
      this.logger,
    );
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

  // ---- Commands --------------------------------------------------------------------------

  /**
   * Opens a new session with an agent and starts its process (a warm one when the pool has it).
   * Resolves with the session even when the agent failed to start: the transcript says why.
   */
  async create(agent: AgentConfig, cwd: string, title?: string): Promise<SessionView> {
    const id = randomUUID();
    const session = await this.mapLock.runExclusive(() => {
      const created = this.newSession(
        id,
        agent,
        title ?? `${agent.label} ${this.sessions.size + 1}`,
        Date.now(),
        [],
        undefined,
      );
      this.sessions.set(id, created);
      return created;
    });
    this.fireChange(session, 'added');
    await session.turnLock.runExclusive(() => this.ensureConnection(session, cwd));
    this.pool.fill(agent, cwd);
    return session.view();
  }

  /** Sends the user's message and resolves once the agent's turn is over (or failed, see transcript). */
  async send(id: string, text: string, cwd: string): Promise<void> {
    const session = this.require(id);
    session.touch();
    session.transcript.addUser(text);
    this.persist(session);
    await session.turnLock.runExclusive(async () => {
      const connection = await this.ensureConnection(session, cwd);
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
        this.persist(session);
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
      this.persist(session);
    }
    return answered;
  }

  /** Switches an agent with modes (ACP `session/set_mode`); rejects with the agent's reason. */
  async setMode(id: string, modeId: string): Promise<void> {
    const session = this.require(id);
    const connection = session.connection;
    if (!connection?.setMode) {
      throw new Error(`${session.agent.label} has no modes to switch between.`);
    }
    await connection.setMode(modeId);
    this.fireChange(session);
  }

  rename(id: string, title: string): void {
    const session = this.require(id);
    session.title = title;
    this.fireChange(session);
    this.persist(session);
  }

  /** Stops the agent and forgets the session, transcript file included. */
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
    await session.connection?.close();
    await this.saving.get(id);
    await this.store?.remove(id);
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
      for (const stored of sessions) {
        const agent = agents.find((a) => a.id === stored.agentId);
        if (!agent) {
          problems.push(`${stored.id}: its agent "${stored.agentId}" is no longer configured`);
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
   * Replaces the session's agent with a fresh process (resuming the conversation where the agent
   * can). If another restart lands first, this one's process is closed and the winner kept.
   */
  async restartAgent(id: string, cwd: string): Promise<SessionView> {
    const session = this.require(id);
    const expected = session.connection;
    session.expectingExit = true;
    const fresh = await this.startFor(session, cwd);
    if (!this.replaceConnection(session, expected, fresh)) {
      await fresh.close();
    }
    this.fireChange(session);
    return session.view();
  }

  setPoolSize(size: number): void {
    this.pool.resize(size);
  }

  /** Stops every agent process and the pool; transcripts are saved first. */
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    for (const session of this.sessions.values()) {
      session.expectingExit = true;
      this.persist(session);
    }
    await Promise.all([...this.saving.values()]);
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
    const session = new Session(
      id,
      agent,
      title,
      createdAt,
      transcript,
      stored && { resumeId: stored.resumeId, usage: stored.usage },
    );
    transcript.onDidChange((change) => this.transcriptChanges.fire({ sessionId: id, change }));
    return session;
  }

  /** pi keeps its conversation in a file; Shepherd chooses where, so a new process can continue it. */
  private sessionFileFor(agent: AgentConfig, key: string): string | undefined {
    if (agent.kind !== 'pi' || !this.store) {
      return undefined;
    }
    return path.join(this.store.dir, 'pi', `${key}.jsonl`);
  }

  private launch(agent: AgentConfig, options: ConnectionOptions): Promise<AgentConnection> {
    const context = { supervisor: this.supervisor, tasks: this.tasks, logger: this.logger, host: this.acpHost };
    return launchAgent(context, agent, options);
  }

  /**
   * Returns the session's live agent, starting (or resuming) one if needed. Runs under the
   * session's turn lock. The replacement only lands if nobody replaced the agent meanwhile.
   */
  private async ensureConnection(session: Session, cwd: string): Promise<AgentConnection | undefined> {
    const current = session.connection;
    if (current?.isAlive) {
      return current;
    }
    session.phase = 'starting';
    session.message = undefined;
    this.fireChange(session);
    try {
      const fresh = await this.startFor(session, cwd);
      if (!this.replaceConnection(session, current, fresh)) {
        await fresh.close();
      }
      session.phase = undefined;
      return session.connection;
    } catch (error) {
      session.phase = 'failed';
      session.message = describeError(error);
      session.transcript.addError(`Could not start ${session.agent.label}: ${session.message}`);
      this.persist(session);
      return undefined;
    } finally {
      this.fireChange(session);
    }
  }

  private async startFor(session: Session, cwd: string): Promise<AgentConnection> {
    const agentCwd = session.agent.cwd ?? cwd;
    const resuming = session.resumeId !== undefined && canResume(session.agent);
    if (!resuming && session.transcript.list().length === 0) {
      const warm = this.pool.take(session.agent, agentCwd);
      if (warm) {
        this.supervisor.relabel(warm.workerId, `${session.agent.label} · ${session.title}`);
        return warm;
      }
    }
    if (session.transcript.list().some((e) => e.kind === 'assistant')) {
      session.transcript.addNotice(
        resuming
          ? 'Resuming the conversation in a new agent process…'
          : 'Starting a new agent process: it does not remember the earlier conversation.',
      );
    }
    return this.launch(session.agent, {
      // Each process gets its own worker id: a replacement starts before its predecessor is retired.
      workerId: `session-${session.id.slice(0, 8)}-${++session.generation}`,
      label: `${session.agent.label} · ${session.title}`,
      cwd: agentCwd,
      resumeId: resuming ? session.resumeId : undefined,
      sessionFile: this.sessionFileFor(session.agent, session.id),
    });
  }

  /**
   * Installs `fresh` as the session's agent only if the session still has `expected`: a concurrent
   * restart that already installed another process is not clobbered. Returns whether it landed.
   */
  replaceConnection(session: Session, expected: AgentConnection | undefined, fresh: AgentConnection): boolean {
    if (session.connection !== expected || !this.sessions.has(session.id)) {
      return false;
    }
    const previous = session.connection;
    const subscriptions = new DisposableStore();
    subscriptions.add(fresh.onEvent((event) => this.onAgentEvent(session, event)));
    subscriptions.add(fresh.onExit((how) => this.onAgentExit(session, how)));
    session.attach(fresh, subscriptions);
    session.expectingExit = false;
    if (previous && previous !== fresh) {
      void this.tasks.run(`retire old agent of ${session.id}`, () => previous.close());
    }
    this.supervisor.setSessionState(fresh.workerId, session.state);
    return true;
  }

  private onAgentEvent(session: Session, event: AgentEvent): void {
    session.touch();
    if (session.stalled) {
      session.stalled = false;
      this.fireChange(session);
    }
    const transcript = session.transcript;
    switch (event.type) {
      case 'ready':
        session.resumeId = event.resumeId ?? session.resumeId;
        this.fireChange(session);
        return;
      case 'text-delta':
      case 'assistant-text':
        transcript.addAssistantText(event.text);
        return;
      case 'tool-use':
        transcript.addToolUse(event.toolUseId, event.name, event.input);
        return;
      case 'tool-result':
        transcript.addToolResult(event.toolUseId, event.output, event.isError);
        return;
      case 'permission-request':
        this.onPermissionRequest(session, event);
        return;
      case 'turn-end':
        this.onTurnEnd(session, event);
        return;
      case 'thought-delta':
      case 'tool-call':
      case 'plan':
      case 'context':
      case 'commands':
      case 'modes':
      case 'notice':
        if (applyAcpEvent(session.transcript, event)) {
          this.fireChange(session);
        }
        return;
      case 'protocol-error':
        if (++session.protocolNotices <= MAX_PROTOCOL_NOTICES_PER_TURN) {
          transcript.addNotice(`Ignored a line from the agent: ${event.reason}.`);
        }
        return;
    }
  }

  private onPermissionRequest(session: Session, event: Extract<AgentEvent, { type: 'permission-request' }>): void {
    session.transcript.addPermission(event.requestId, event.toolName, event.input, event.description, event.choices);
    if (session.allowedTools.has(event.toolName)) {
      session.respond(event.requestId, 'allow', event.toolName);
      return;
    }
    this.fireChange(session);
    this.attention.fire({ session: session.view(), reason: 'waiting-for-input' });
  }

  private onTurnEnd(session: Session, event: Extract<AgentEvent, { type: 'turn-end' }>): void {
    session.addUsage(event.usage?.inputTokens ?? 0, event.usage?.outputTokens ?? 0, event.costUsd ?? 0);
    if (event.outcome === 'interrupted') {
      session.transcript.addNotice('Interrupted.');
    } else if (event.outcome === 'error') {
      session.transcript.addError(event.message ?? 'The agent reported an error.');
    }
    if (event.stopNotice) {
      session.transcript.addNotice(event.stopNotice);
    }
  }

  private onAgentExit(session: Session, how: string): void {
    if (!session.expectingExit && !session.turnLock.isLocked()) {
      session.transcript.addNotice(
        `The agent stopped (${how}). Your next message ` +
          (canResume(session.agent) ? 'resumes the conversation.' : 'starts a new agent process.'),
      );
    }
    this.fireChange(session);
    this.persist(session);
  }

  private turnFailed(session: Session, error: unknown): void {
    const reason = describeError(error);
    const next = canResume(session.agent)
      ? 'Your next message resumes the conversation.'
      : 'Your next message starts a new agent process.';
    session.transcript.addError(
      error instanceof AgentExitError ? `The turn failed: ${reason}. ${next}` : `The turn failed: ${reason}.`,
    );
  }

  private fireChange(session: Session, kind: SessionChange['kind'] = 'updated'): void {
    const view = session.view();
    if (view.workerId && kind !== 'removed') {
      this.supervisor.setSessionState(view.workerId, view.state);
    }
    this.changes.fire({ kind, view });
  }

  /** Saves the session's transcript in the background; saves of one session never overlap. */
  private persist(session: Session): void {
    const store = this.store;
    if (!store) {
      return;
    }
    const previous = this.saving.get(session.id) ?? Promise.resolve();
    const next = previous.then(() =>
      this.tasks.run(`save transcript ${session.id}`, () =>
        store.save(
          {
            version: 1,
            id: session.id,
            agentId: session.agent.id,
            title: session.title,
            resumeId: session.resumeId,
            createdAt: session.createdAt,
            usage: session.usage,
            entries: session.transcript.list(),
          },
          Object.values(session.agent.env),
        ),
      ),
    );
    this.saving.set(session.id, next);
    void next.finally(() => {
      if (this.saving.get(session.id) === next) {
        this.saving.delete(session.id);
      }
    });
  }

  private tick(): void {
    const now = Date.now();
    this.pool.sweep();
    for (const session of this.sessions.values()) {
      this.checkStall(session, now);
      this.checkIdle(session, now);
    }
  }

  private checkStall(session: Session, now: number): void {
    const connection = session.connection;
    if (
      !connection ||
      connection.state !== 'busy' ||
      session.stalled ||
      now - connection.lastOutputAt < this.stallTimeoutMs
    ) {
      return;
    }
    session.stalled = true;
    session.transcript.addNotice(
      `No output from the agent for ${Math.round(this.stallTimeoutMs / 1_000)} s: it may be stalled. ` +
        'Interrupt it, or keep waiting.',
    );
    this.fireChange(session);
  }

  /** Idle cleanup reads lastActivity and the lock's state only: it never waits for a turn. */
  private checkIdle(session: Session, now: number): void {
    const connection = session.connection;
    // An agent that cannot resume would lose its conversation: it stays up however long it idles.
    if (
      !canResume(session.agent) ||
      !connection?.isAlive ||
      session.state !== 'idle' ||
      session.turnLock.isLocked() ||
      now - session.lastActivity < this.idleTimeoutMs
    ) {
      return;
    }
    session.expectingExit = true;
    session.transcript.addNotice(
      `Stopped the idle agent after ${Math.round(this.idleTimeoutMs / 60_000)} min; your next message resumes it.`,
    );
    void this.tasks.run(`stop idle agent of ${session.id}`, () => connection.stopProcess());
  }
}
