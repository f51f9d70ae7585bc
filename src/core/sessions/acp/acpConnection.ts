import * as l10n from '@vscode/l10n';
import type { ClientConnection, ContentBlock, SessionNotification } from '@agentclientprotocol/sdk';
import { Emitter, Event } from '../../base/events';
import { describeError, Logger } from '../../base/logger';
import { maskValues } from '../../base/secrets';
import { TaskRegistry } from '../../base/taskRegistry';
import { withTimeout } from '../../base/timeouts';
import { Supervisor } from '../../workers/supervisor';
import { ContextUsage, PermissionDecision, SessionModes, SlashCommand } from '../../../shared/sessionModel';
import { AgentConfig } from '../agentConfig';
import {
  AgentConnection,
  AgentExitError,
  AgentStartError,
  ConnectionOptions,
  ConnectionState,
  TurnEnd,
} from '../agentConnection';
import { AgentEvent } from '../protocols/agentEvents';
import { AcpAgentProcess } from './acpAgentProcess';
import { carryOverOf } from './acpCarryOver';
import { connectAcpClient } from './acpClientHandlers';
import { openAcpSession } from './acpHandshake';
import { AcpPermissions } from './acpPermissions';
import { AcpReplay } from './acpReplay';
import { AcpSignIn } from './acpSignIn';
import { AcpTurns } from './acpTurn';
import { eventsOfUpdate } from './acpUpdates';
import { AcpClientHost } from './clientHost';

/**
 * An agent that has not answered `initialize` and opened its session within a minute is broken or
 * waiting for something it will not get (a login prompt); Gemini CLI needs about two seconds.
 */
export const ACP_START_TIMEOUT_MS = 60_000;

/** What an ACP connection is built from, besides the agent and its options. */
export interface AcpDependencies {
  readonly supervisor: Supervisor;
  readonly tasks: TaskRegistry;
  readonly logger: Logger;
  readonly host: AcpClientHost;
}

/**
 * An agent spoken to through the Agent Client Protocol (JSON-RPC 2.0 over its stdio) with the official SDK:
 * `initialize`, then `session/new` (or `session/load` to resume), one `session/prompt` per turn. Shepherd serves
 * the agent's files inside the session's folder, its permission requests through the panel, its terminals.
 */
export class AcpConnection implements AgentConnection {
  private readonly events: Emitter<AgentEvent>;
  private readonly exits: Emitter<string>;
  private readonly process: AcpAgentProcess;
  private readonly permissions = new AcpPermissions((event) => this.handle(event));
  private rpc: ClientConnection | undefined;
  private sessionId: string | undefined;
  /** While `session/load` replays the conversation, its updates are already in the transcript. */
  private readonly replay = new AcpReplay();
  /**
   * Why the conversation was not reloaded, said with the first turn: while the session opens, the
   * manager is not yet listening, and a notice fired then was lost (the user saw "Resuming…" only).
   */
  private openNotice: string | undefined;
  private readonly turns = new AcpTurns({
    isAlive: () => this.isAlive,
    costUsd: () => this.costUsd,
    ended: (end) => this.onTurnEnd(end),
  });
  private currentState: ConnectionState = 'idle';
  /** The session's spend so far as the agent reports it (`usage_update` cost is cumulative). */
  private costUsd = 0;
  model: string | undefined;
  modes: SessionModes | undefined;
  commands: readonly SlashCommand[] = [];
  context: ContextUsage | undefined;

  private constructor(
    private readonly deps: AcpDependencies,
    readonly agent: AgentConfig,
    readonly workerId: string,
    private readonly options: ConnectionOptions,
    private readonly signIn: AcpSignIn | undefined,
  ) {
    const onListenerError = (error: unknown): void =>
      deps.logger.error(`[session:${options.workerId}] listener failed: ${describeError(error)}`);
    this.events = new Emitter<AgentEvent>(onListenerError);
    this.exits = new Emitter<string>(onListenerError);
    this.process = new AcpAgentProcess(deps.supervisor, agent, options, deps.host, {
      problem: (reason, excerpt) => this.onStreamProblem(reason, excerpt),
      update: (notification) => this.onUpdate(notification),
    });
  }

  /**
   * Spawns the agent as a supervised worker, initializes it and opens (or loads) its session. A key the
   * user signed in with reaches the agent's process env only: the worker view shows env names, not values.
   */
  static async start(deps: AcpDependencies, agent: AgentConfig, options: ConnectionOptions): Promise<AcpConnection> {
    const signIn = await deps.host.signIns?.get(agent.id);
    const connection = new AcpConnection(deps, agent, options.workerId, options, signIn);
    try {
      await connection.process.start({ ...agent.env, ...signIn?.env }, (how) => {
        if (connection.isAlive) {
          connection.onProcessEnd(how);
        }
      });
      await withTimeout(connection.open(options.resumeId), ACP_START_TIMEOUT_MS, `starting ${agent.label}`);
    } catch (error) {
      await connection.close();
      throw error instanceof AgentStartError ? error : new AgentStartError(describeError(error));
    }
    return connection;
  }

  /** Epoch ms of the agent's last output (or of the last prompt sent), for the stall watchdog. */
  get lastOutputAt(): number {
    return this.process.lastOutputAt;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get isAlive(): boolean {
    return this.currentState !== 'exited';
  }

  get onEvent(): Event<AgentEvent> {
    return this.events.event;
  }

  get onExit(): Event<string> {
    return this.exits.event;
  }

  /** The agent's session id: what `session/load` takes to continue the conversation. */
  get resumeId(): string | undefined {
    return this.sessionId;
  }

  /** Values that must never be shown or stored: the agent's env and its sign-in key. */
  get secretValues(): string[] {
    return [...Object.values(this.agent.env), ...Object.values(this.signIn?.env ?? {})];
  }

  /** The workers of the terminals the agent holds open. */
  terminalWorkerIds(): string[] {
    return this.process.terminals.workerIds();
  }

  runTurn(text: string): Promise<TurnEnd> {
    const rpc = this.rpc;
    const sessionId = this.sessionId;
    if (!this.isAlive || !rpc || sessionId === undefined) {
      return Promise.reject(new AgentExitError(l10n.t('the agent process is not running')));
    }
    if (this.turns.active) {
      return Promise.reject(new Error(l10n.t('a turn is already in progress')));
    }
    this.currentState = 'busy';
    this.process.lastOutputAt = Date.now();
    const prompt: ContentBlock[] = [{ type: 'text', text }];
    if (this.openNotice !== undefined) {
      // The conversation was not reloaded: this first prompt carries it over, and the notice says so.
      const carried = carryOverOf(this.options.earlierMessages?.() ?? [], text);
      const said = carried
        ? l10n.t('Your message gives the new one the last {0} messages of this conversation.', carried.messages)
        : undefined;
      this.handle({ type: 'notice', text: said ? `${this.openNotice} ${said}` : this.openNotice });
      this.openNotice = undefined;
      if (carried) {
        prompt.unshift({ type: 'text', text: carried.text });
      }
    }
    return this.turns.run(
      () => rpc.agent.request('session/prompt', { sessionId, prompt }),
      this.replay.active ? this.replay.drained() : undefined,
    );
  }

  /**
   * `session/cancel`: the agent stops and answers the prompt `cancelled`. Pending permission requests
   * are answered cancelled, the turn's terminals are killed, and an agent that ignores the cancel
   * has its turn ended by Shepherd after a grace period.
   */
  interrupt(): void {
    if (!this.turns.active || !this.rpc || this.sessionId === undefined) {
      return;
    }
    void this.rpc.agent.notify('session/cancel', { sessionId: this.sessionId }).catch((error: unknown) => {
      this.deps.logger.warn(`[session:${this.workerId}] session/cancel failed: ${describeError(error)}`);
    });
    this.permissions.cancelAll();
    void this.deps.tasks.run(`kill terminals of ${this.workerId}`, () => this.process.terminals.killAll());
    this.turns.startCancelGrace();
  }

  respond(requestId: string, decision: PermissionDecision): boolean {
    if (!this.permissions.respond(requestId, decision)) {
      return false;
    }
    if (this.permissions.isEmpty && this.turns.active) {
      this.currentState = 'busy';
    }
    return true;
  }

  async setMode(modeId: string): Promise<void> {
    if (!this.rpc || this.sessionId === undefined) {
      throw new AgentExitError(l10n.t('the agent process is not running'));
    }
    await this.rpc.agent.request('session/set_mode', { sessionId: this.sessionId, modeId });
    if (this.modes) {
      this.handle({ type: 'modes', modes: { ...this.modes, currentId: modeId } });
    }
  }

  async close(): Promise<void> {
    this.dispose();
    await this.process.remove();
  }

  async stopProcess(): Promise<void> {
    await this.process.stop();
  }

  dispose(): void {
    this.process.dispose();
    this.permissions.cancelAll();
    this.rpc?.close();
    this.turns.fail(new AgentExitError(l10n.t('the session was closed')));
    this.events.dispose();
    this.exits.dispose();
  }

  private async open(resumeId: string | undefined): Promise<void> {
    this.rpc = connectAcpClient(this.process.stream.stream, {
      onUpdate: (notification) => this.onUpdate(notification),
      onPermission: (request, signal) => this.permissions.ask(request, signal),
      files: this.process.files,
      terminals: this.process.terminals,
    });
    this.model = await openAcpSession(
      this.rpc,
      {
        agentLabel: this.agent.label,
        cwd: this.options.cwd,
        signIn: this.signIn,
        masked: (text) => this.masked(text),
        notice: (text) => {
          this.openNotice = text;
        },
        setReplaying: (replaying) => (replaying ? this.replay.start() : this.replay.stop()),
        opened: (sessionId, modes) => {
          this.sessionId = sessionId;
          if (this.replay.active) {
            // The replay may only begin now (Gemini CLI): the wait for it to end counts from the answer.
            this.replay.noteUpdate();
          }
          // A loaded session that names no modes keeps those its replay set.
          this.modes = modes ?? (this.replay.active ? this.modes : undefined);
        },
      },
      resumeId,
    );
  }

  private masked(text: string): string {
    return maskValues(text, this.secretValues);
  }

  // ---- From the agent ---------------------------------------------------------------------------

  private onUpdate(notification: SessionNotification): void {
    if (notification.sessionId !== this.sessionId && !this.replay.active) {
      return;
    }
    this.replay.noteUpdate();
    for (const event of eventsOfUpdate(notification.update, this.modes, this.replay.active)) {
      this.handle(event);
    }
  }

  /** An agent that echoes its own key in a broken line must not put it in the log or the transcript. */
  private onStreamProblem(reason: string, excerpt: string): void {
    const event = { type: 'protocol-error', reason: this.masked(reason), excerpt: this.masked(excerpt) } as const;
    this.deps.logger.warn(`[session:${this.workerId}] ${event.reason}: ${event.excerpt}`);
    this.events.fire(event);
  }

  private handle(event: AgentEvent): void {
    switch (event.type) {
      case 'permission-request':
        this.currentState = 'waiting-for-input';
        break;
      case 'modes':
        this.modes = event.modes;
        break;
      case 'commands':
        this.commands = event.commands;
        break;
      case 'context':
        this.context = event.context;
        this.costUsd = event.costUsd ?? this.costUsd;
        break;
    }
    this.events.fire(event);
  }

  // ---- Turns and the end ------------------------------------------------------------------------

  private onTurnEnd(end: TurnEnd): void {
    this.permissions.cancelAll();
    if (this.isAlive) {
      this.currentState = 'idle';
    }
    this.events.fire(end);
  }

  private onProcessEnd(how: string): void {
    this.process.stream.end();
    this.permissions.cancelAll();
    this.currentState = 'exited';
    void this.deps.tasks.run(`release terminals of ${this.workerId}`, () => this.process.terminals.releaseAll());
    this.turns.fail(new AgentExitError(l10n.t('{0} in the middle of a turn', how)));
    this.exits.fire(how);
  }
}
