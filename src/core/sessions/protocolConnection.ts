import * as l10n from '@vscode/l10n';
import { DisposableStore, Emitter, Event } from '../base/events';
import { describeError, Logger } from '../base/logger';
import { maskValues } from '../base/secrets';
import { Supervisor } from '../workers/supervisor';
import { AgentEvent } from './protocols/agentEvents';
import { PermissionDecision } from '../../shared/sessionModel';
import { createProtocol, ProtocolAgentConfig } from './agentConfig';
import { AgentConnection, AgentExitError, ConnectionOptions, ConnectionState, TurnEnd } from './agentConnection';
import { agentWorkerDefinition, startAgentWorker, watchWorkerEnd } from './agentWorker';
import { AgentProtocol, PendingPermission } from './protocols/agentProtocol';

/**
 * One agent process, supervised as a worker like any other, spoken to through a line-based
 * AgentProtocol (Claude Code, pi, line CLIs). It turns stdout into AgentEvents, runs one turn at a
 * time, and fails a turn clearly if the process dies.
 */
export class ProtocolConnection implements AgentConnection {
  private readonly events: Emitter<AgentEvent>;
  private readonly exits: Emitter<string>;
  private readonly subscriptions = new DisposableStore();
  private readonly protocol: AgentProtocol;
  private turn: { resolve: (end: TurnEnd) => void; reject: (error: Error) => void } | undefined;
  private readonly permissions = new Map<string, PendingPermission>();
  private idleGapTimer: NodeJS.Timeout | undefined;
  private currentState: ConnectionState = 'idle';
  /** Epoch ms of the last byte the agent printed; the stall watchdog reads it. */
  lastOutputAt = Date.now();
  resumeId: string | undefined;
  model: string | undefined;

  private constructor(
    private readonly supervisor: Supervisor,
    readonly agent: ProtocolAgentConfig,
    readonly workerId: string,
    options: ConnectionOptions,
    private readonly logger: Logger,
  ) {
    const onListenerError = (error: unknown): void =>
      logger.error(`[session:${workerId}] listener failed: ${describeError(error)}`);
    this.events = new Emitter<AgentEvent>(onListenerError);
    this.exits = new Emitter<string>(onListenerError);
    this.protocol = createProtocol(agent, options.sessionFile);
    this.resumeId = options.resumeId;
  }

  /** Spawns the agent as a supervised worker and resolves once its process runs. */
  static async start(
    supervisor: Supervisor,
    agent: ProtocolAgentConfig,
    options: ConnectionOptions,
    logger: Logger,
  ): Promise<ProtocolConnection> {
    const connection = new ProtocolConnection(supervisor, agent, options.workerId, options, logger);
    supervisor.upsert(agentWorkerDefinition(agent, options, connection.protocol.launchArgs(options.resumeId)));
    connection.subscribe();
    try {
      await startAgentWorker(supervisor, agent, options.workerId);
    } catch (error) {
      connection.dispose();
      throw error;
    }
    const handshake = connection.protocol.handshake?.();
    if (handshake !== undefined) {
      supervisor.write(options.workerId, handshake);
    }
    return connection;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get onEvent(): Event<AgentEvent> {
    return this.events.event;
  }

  /** Fires once when the process ends, with how it ended. */
  get onExit(): Event<string> {
    return this.exits.event;
  }

  get isAlive(): boolean {
    return this.currentState !== 'exited';
  }

  /** Starts a turn with the user's text; resolves when the agent says the turn is over. */
  runTurn(text: string): Promise<TurnEnd> {
    if (!this.isAlive) {
      return Promise.reject(new AgentExitError(l10n.t('the agent process is not running')));
    }
    if (this.turn) {
      return Promise.reject(new Error(l10n.t('a turn is already in progress')));
    }
    this.protocol.beginTurn();
    const ended = new Promise<TurnEnd>((resolve, reject) => {
      this.turn = { resolve, reject };
    });
    this.setState('busy');
    this.lastOutputAt = Date.now();
    this.supervisor.write(this.workerId, this.protocol.encodePrompt(text));
    return ended;
  }

  interrupt(): void {
    if (!this.turn) {
      return;
    }
    const action = this.protocol.interrupt();
    if ('write' in action) {
      this.supervisor.write(this.workerId, action.write);
    } else {
      this.supervisor.signal(this.workerId, action.signal);
    }
  }

  /** Answers a pending permission request; false if there is no such request. */
  respond(requestId: string, decision: PermissionDecision): boolean {
    const request = this.permissions.get(requestId);
    const answer = request && this.protocol.encodePermission(request, decision);
    if (!request || answer === undefined) {
      return false;
    }
    this.permissions.delete(requestId);
    this.supervisor.write(this.workerId, answer);
    if (this.permissions.size === 0 && this.turn) {
      this.setState('busy');
    }
    return true;
  }

  /** Stops the agent's process group and forgets the worker. */
  async close(): Promise<void> {
    this.dispose();
    await this.supervisor.remove(this.workerId);
  }

  /** Stops the process but keeps the worker listed (an idle session that will resume). */
  async stopProcess(): Promise<void> {
    await this.supervisor.stop(this.workerId);
  }

  dispose(): void {
    clearTimeout(this.idleGapTimer);
    this.subscriptions.dispose();
    this.failTurn(new AgentExitError(l10n.t('the session was closed')));
    this.events.dispose();
    this.exits.dispose();
  }

  private subscribe(): void {
    this.subscriptions.add(this.supervisor.tapStdout(this.workerId, (chunk) => this.onStdout(chunk)));
    this.subscriptions.add(
      watchWorkerEnd(this.supervisor, this.workerId, (how) => {
        if (this.isAlive) {
          this.onProcessEnd(how);
        }
      }),
    );
  }

  private onStdout(chunk: Buffer): void {
    this.lastOutputAt = Date.now();
    let events: AgentEvent[];
    try {
      events = this.protocol.decode(chunk);
    } catch (error) {
      // A decoder bug on hostile output must cost this chunk only, never the session's next ones.
      events = [
        {
          type: 'protocol-error',
          reason: l10n.t('output the protocol could not decode ({0})', describeError(error)),
          excerpt: chunk.subarray(0, 120).toString('utf8'),
        },
      ];
    }
    for (const event of events) {
      this.handle(event);
    }
    this.armIdleGap();
  }

  private handle(decoded: AgentEvent): void {
    // An agent that prints its own key in a broken line must not put it in the log or the transcript.
    const env = Object.values(this.agent.env);
    const event: AgentEvent =
      decoded.type === 'protocol-error'
        ? { ...decoded, reason: maskValues(decoded.reason, env), excerpt: maskValues(decoded.excerpt, env) }
        : decoded;
    switch (event.type) {
      case 'ready':
        this.resumeId = event.resumeId ?? this.resumeId;
        this.model = event.model ?? this.model;
        break;
      case 'permission-request':
        this.permissions.set(event.requestId, { requestId: event.requestId, input: event.input });
        this.setState('waiting-for-input');
        break;
      case 'turn-end':
        this.endTurn(event);
        break;
      case 'protocol-error':
        this.logger.warn(`[session:${this.workerId}] ${event.reason}: ${event.excerpt}`);
        break;
      default:
        break;
    }
    this.events.fire(event);
  }

  /** For protocols that end a turn by silence: restart the quiet-period timer after output. */
  private armIdleGap(): void {
    const gap = this.protocol.idleGapMs;
    if (gap === undefined || !this.turn) {
      return;
    }
    clearTimeout(this.idleGapTimer);
    this.idleGapTimer = setTimeout(() => {
      this.handle({ type: 'turn-end', outcome: 'success', message: undefined, usage: undefined, costUsd: undefined });
    }, gap);
  }

  private endTurn(event: TurnEnd): void {
    clearTimeout(this.idleGapTimer);
    this.permissions.clear();
    const turn = this.turn;
    this.turn = undefined;
    if (this.isAlive) {
      this.setState('idle');
    }
    turn?.resolve(event);
  }

  private onProcessEnd(how: string): void {
    for (const event of this.protocol.endOfStream()) {
      this.handle(event);
    }
    clearTimeout(this.idleGapTimer);
    this.permissions.clear();
    this.setState('exited');
    this.failTurn(new AgentExitError(l10n.t('{0} in the middle of a turn', how)));
    this.exits.fire(how);
  }

  private failTurn(error: Error): void {
    const turn = this.turn;
    this.turn = undefined;
    turn?.reject(error);
  }

  private setState(state: ConnectionState): void {
    this.currentState = state;
  }
}
