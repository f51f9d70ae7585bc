import {
  client,
  ClientConnection,
  PROTOCOL_VERSION,
  RequestError,
  type InitializeResponse,
  type PermissionOption,
  type RequestPermissionRequest,
  type RequestPermissionResponse,
  type SessionNotification,
} from '@agentclientprotocol/sdk';
import { DisposableStore, Emitter, Event } from '../../base/events';
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
import { agentWorkerDefinition, startAgentWorker, watchWorkerEnd } from '../agentWorker';
import { AgentEvent } from '../protocols/agentEvents';
import { AcpFiles } from './acpFiles';
import { AcpWorkerStream } from './acpStream';
import { AcpTerminals, UnknownTerminalError } from './acpTerminals';
import {
  eventsOfUpdate,
  optionFor,
  permissionChoices,
  sessionModes,
  toolCallChange,
  turnEndOfResponse,
} from './acpUpdates';
import { AcpSignIn, signInMethods, signInRequired } from './acpSignIn';
import { AcpClientHost } from './clientHost';
import { SandboxRefusal, WorkspaceSandbox } from './workspaceSandbox';

/**
 * An agent that has not answered `initialize` and opened its session within a minute is broken or
 * waiting for something it will not get (a login prompt); Gemini CLI needs about two seconds.
 */
export const ACP_START_TIMEOUT_MS = 60_000;
/**
 * After `session/cancel` the agent must still answer the prompt (with `cancelled`). One that does not
 * within this long gets its turn ended by Shepherd, so an interrupt always frees the session.
 */
export const ACP_CANCEL_GRACE_MS = 5_000;

/** What an ACP connection is built from, besides the agent and its options. */
export interface AcpDependencies {
  readonly supervisor: Supervisor;
  readonly tasks: TaskRegistry;
  readonly logger: Logger;
  readonly host: AcpClientHost;
}

interface PendingAcpPermission {
  readonly options: readonly PermissionOption[];
  readonly answer: (response: RequestPermissionResponse) => void;
}

interface AcpTurn {
  readonly resolve: (end: TurnEnd) => void;
  readonly reject: (error: Error) => void;
  readonly costAtStart: number;
  cancelTimer?: NodeJS.Timeout;
}

function describeVersionMismatch(response: InitializeResponse): string {
  return (
    `the agent speaks ACP version ${response.protocolVersion}, and Shepherd speaks version ${PROTOCOL_VERSION}. ` +
    'Update the agent (or Shepherd) so both speak the same version.'
  );
}

/**
 * Runs a request handler so that what went wrong reaches the agent in words: a refusal (a path outside
 * the folder, an unknown terminal) as invalid params, anything else as an internal error with its reason.
 * The SDK would answer a plain Error with a bare "Internal error".
 */
async function served<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RequestError) {
      throw error;
    }
    if (error instanceof SandboxRefusal || error instanceof UnknownTerminalError) {
      throw RequestError.invalidParams(undefined, error.message);
    }
    throw RequestError.internalError(undefined, describeError(error));
  }
}

/**
 * An agent spoken to through the Agent Client Protocol (JSON-RPC 2.0 over its stdio) with the official
 * SDK: `initialize`, then `session/new` (or `session/load` to resume), one `session/prompt` per turn.
 * Shepherd serves the agent's file reads and writes inside the session's folder, its permission
 * requests through the panel, and its terminals as supervisor workers.
 */
export class AcpConnection implements AgentConnection {
  private readonly events: Emitter<AgentEvent>;
  private readonly exits: Emitter<string>;
  private readonly subscriptions = new DisposableStore();
  private readonly stream: AcpWorkerStream;
  private readonly terminals: AcpTerminals;
  private readonly files: AcpFiles;
  private readonly permissions = new Map<string, PendingAcpPermission>();
  private rpc: ClientConnection | undefined;
  private sessionId: string | undefined;
  /** While `session/load` replays the conversation, its updates are already in the transcript. */
  private replaying = false;
  /**
   * Why the conversation was not reloaded, said with the first turn: while the session opens, the
   * manager is not yet listening, and a notice fired then was lost (the user saw "Resuming…" only).
   */
  private openNotice: string | undefined;
  private turn: AcpTurn | undefined;
  private currentState: ConnectionState = 'idle';
  private nextPermission = 1;
  /** The session's spend so far as the agent reports it (`usage_update` cost is cumulative). */
  private costUsd = 0;
  lastOutputAt = Date.now();
  model: string | undefined;
  modes: SessionModes | undefined;
  commands: readonly SlashCommand[] = [];
  context: ContextUsage | undefined;

  private constructor(
    private readonly deps: AcpDependencies,
    readonly agent: AgentConfig,
    readonly workerId: string,
    private readonly cwd: string,
    private readonly signIn: AcpSignIn | undefined,
  ) {
    const onListenerError = (error: unknown): void =>
      deps.logger.error(`[session:${workerId}] listener failed: ${describeError(error)}`);
    this.events = new Emitter<AgentEvent>(onListenerError);
    this.exits = new Emitter<string>(onListenerError);
    this.stream = new AcpWorkerStream(
      (text) => deps.supervisor.write(workerId, text),
      (reason, excerpt) => this.handle({ type: 'protocol-error', reason, excerpt }),
    );
    const sandbox = new WorkspaceSandbox(cwd);
    this.files = new AcpFiles(sandbox, deps.host);
    // The commands the agent runs get the agent's configured env, never its sign-in key.
    this.terminals = new AcpTerminals(deps.supervisor, { workerId, label: agent.label }, sandbox, agent.env);
  }

  /**
   * Spawns the agent as a supervised worker, initializes it and opens (or loads) its session. A key the
   * user signed in with reaches the agent's process env only: the worker view shows env names, not values.
   */
  static async start(deps: AcpDependencies, agent: AgentConfig, options: ConnectionOptions): Promise<AcpConnection> {
    const signIn = await deps.host.signIns?.get(agent.id);
    const connection = new AcpConnection(deps, agent, options.workerId, options.cwd, signIn);
    const env = { ...agent.env, ...signIn?.env };
    deps.supervisor.upsert(agentWorkerDefinition({ ...agent, env }, options, []));
    connection.subscribe();
    try {
      await startAgentWorker(deps.supervisor, agent, options.workerId);
      await withTimeout(connection.open(options.resumeId), ACP_START_TIMEOUT_MS, `starting ${agent.label}`);
    } catch (error) {
      await connection.close();
      throw error instanceof AgentStartError ? error : new AgentStartError(describeError(error));
    }
    return connection;
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
    return this.terminals.workerIds();
  }

  runTurn(text: string): Promise<TurnEnd> {
    const rpc = this.rpc;
    const sessionId = this.sessionId;
    if (!this.isAlive || !rpc || sessionId === undefined) {
      return Promise.reject(new AgentExitError('the agent process is not running'));
    }
    if (this.turn) {
      return Promise.reject(new Error('a turn is already in progress'));
    }
    let resolve: (end: TurnEnd) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    // The executor runs at once, so resolve and reject are the promise's own before the turn is made.
    const ended = new Promise<TurnEnd>((onEnd, onFail) => {
      resolve = onEnd;
      reject = onFail;
    });
    const turn: AcpTurn = { resolve, reject, costAtStart: this.costUsd };
    this.turn = turn;
    this.setState('busy');
    this.lastOutputAt = Date.now();
    if (this.openNotice !== undefined) {
      this.handle({ type: 'notice', text: this.openNotice });
      this.openNotice = undefined;
    }
    rpc.agent.request('session/prompt', { sessionId, prompt: [{ type: 'text', text }] }).then(
      (response) => this.endTurn(turn, turnEndOfResponse(response, this.costUsd - turn.costAtStart)),
      (error: unknown) => {
        if (this.isAlive) {
          this.endTurn(turn, {
            type: 'turn-end',
            outcome: 'error',
            message: `The agent could not answer: ${describeError(error)}`,
            usage: undefined,
            costUsd: undefined,
          });
        }
      },
    );
    return ended;
  }

  /**
   * `session/cancel`: the agent stops and answers the prompt `cancelled`. Pending permission requests
   * are answered cancelled, the turn's terminals are killed, and an agent that ignores the cancel
   * has its turn ended by Shepherd after a grace period.
   */
  interrupt(): void {
    const turn = this.turn;
    if (!turn || !this.rpc || this.sessionId === undefined) {
      return;
    }
    void this.rpc.agent.notify('session/cancel', { sessionId: this.sessionId }).catch((error: unknown) => {
      this.deps.logger.warn(`[session:${this.workerId}] session/cancel failed: ${describeError(error)}`);
    });
    this.cancelPermissions();
    void this.deps.tasks.run(`kill terminals of ${this.workerId}`, () => this.terminals.killAll());
    clearTimeout(turn.cancelTimer);
    turn.cancelTimer = setTimeout(() => {
      this.endTurn(turn, {
        type: 'turn-end',
        outcome: 'interrupted',
        message: undefined,
        usage: undefined,
        costUsd: undefined,
        stopNotice: `The agent did not confirm the cancel within ${ACP_CANCEL_GRACE_MS / 1_000} s.`,
      });
    }, ACP_CANCEL_GRACE_MS);
  }

  respond(requestId: string, decision: PermissionDecision): boolean {
    const pending = this.permissions.get(requestId);
    if (!pending) {
      return false;
    }
    const option = optionFor(pending.options, decision);
    this.permissions.delete(requestId);
    pending.answer({
      outcome: option ? { outcome: 'selected', optionId: option.optionId } : { outcome: 'cancelled' },
    });
    if (this.permissions.size === 0 && this.turn) {
      this.setState('busy');
    }
    return true;
  }

  async setMode(modeId: string): Promise<void> {
    if (!this.rpc || this.sessionId === undefined) {
      throw new AgentExitError('the agent process is not running');
    }
    await this.rpc.agent.request('session/set_mode', { sessionId: this.sessionId, modeId });
    if (this.modes) {
      this.handle({ type: 'modes', modes: { ...this.modes, currentId: modeId } });
    }
  }

  async close(): Promise<void> {
    this.dispose();
    await this.terminals.releaseAll();
    await this.deps.supervisor.remove(this.workerId);
  }

  async stopProcess(): Promise<void> {
    await this.deps.supervisor.stop(this.workerId);
  }

  dispose(): void {
    this.subscriptions.dispose();
    this.cancelPermissions();
    this.rpc?.close();
    this.failTurn(new AgentExitError('the session was closed'));
    this.events.dispose();
    this.exits.dispose();
  }

  // ---- Start ----------------------------------------------------------------------------------

  private subscribe(): void {
    this.subscriptions.add(
      this.deps.supervisor.tapStdout(this.workerId, (chunk) => {
        this.lastOutputAt = Date.now();
        this.stream.push(chunk);
      }),
    );
    this.subscriptions.add(
      watchWorkerEnd(this.deps.supervisor, this.workerId, (how) => {
        if (this.isAlive) {
          this.onProcessEnd(how);
        }
      }),
    );
  }

  private async open(resumeId: string | undefined): Promise<void> {
    const rpc = this.connectSdk();
    const init = await rpc.agent.request('initialize', {
      protocolVersion: PROTOCOL_VERSION,
      clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: true },
      clientInfo: { name: 'shepherd', title: 'Shepherd', version: '0.1.0' },
    });
    if (init.protocolVersion !== PROTOCOL_VERSION) {
      throw new AgentStartError(describeVersionMismatch(init));
    }
    this.model = init.agentInfo?.title ?? init.agentInfo?.name ?? undefined;
    const methods = signInMethods(init.authMethods ?? []);
    const signIn = this.signIn;
    if (signIn && methods.some((method) => method.id === signIn.methodId)) {
      try {
        await rpc.agent.request('authenticate', { methodId: signIn.methodId });
      } catch (error) {
        throw signInRequired(this.agent.label, methods, `signing in failed (${this.masked(describeError(error))})`);
      }
    }
    try {
      await this.openSession(rpc, resumeId, init.agentCapabilities?.loadSession === true);
    } catch (error) {
      // ACP's "auth required" error: the agent will not open a session before the user signs in.
      if (error instanceof RequestError && error.code === -32000 && methods.length > 0) {
        throw signInRequired(this.agent.label, methods, '');
      }
      throw new AgentStartError(`the agent could not open a session: ${this.masked(describeError(error))}`);
    }
  }

  private masked(text: string): string {
    return maskValues(text, this.secretValues);
  }

  private async openSession(rpc: ClientConnection, resumeId: string | undefined, canLoad: boolean): Promise<void> {
    if (resumeId !== undefined && canLoad) {
      this.replaying = true;
      try {
        const loaded = await rpc.agent.request('session/load', { sessionId: resumeId, cwd: this.cwd, mcpServers: [] });
        this.sessionId = resumeId;
        this.modes = loaded.modes ? sessionModes(loaded.modes) : this.modes;
        return;
      } catch (error) {
        this.openNotice = `The agent could not reload the conversation (${describeError(error)}); starting a new one.`;
      } finally {
        this.replaying = false;
      }
    } else if (resumeId !== undefined) {
      this.openNotice = 'This agent cannot reload a conversation: it starts a new one.';
    }
    const created = await rpc.agent.request('session/new', { cwd: this.cwd, mcpServers: [] });
    this.sessionId = created.sessionId;
    this.modes = created.modes ? sessionModes(created.modes) : undefined;
  }

  /** The SDK's client side, with Shepherd's handlers; methods without one are answered "method not found". */
  private connectSdk(): ClientConnection {
    const files = this.files;
    const terminals = this.terminals;
    const app = client({ name: 'shepherd' })
      .onNotification('session/update', ({ params }) => this.onUpdate(params))
      .onRequest('session/request_permission', ({ params, signal }) => this.onPermission(params, signal))
      .onRequest('fs/read_text_file', ({ params }) => served(() => files.read(params)))
      .onRequest('fs/write_text_file', ({ params }) => served(async () => (await files.write(params), {})))
      .onRequest('terminal/create', ({ params }) => served(() => terminals.create(params)))
      .onRequest('terminal/output', ({ params }) => served(async () => terminals.output(params.terminalId)))
      .onRequest('terminal/wait_for_exit', ({ params, signal }) =>
        served(() => terminals.waitForExit(params.terminalId, signal)),
      )
      .onRequest('terminal/kill', ({ params }) => served(async () => (await terminals.kill(params.terminalId), {})))
      .onRequest('terminal/release', ({ params }) =>
        served(async () => (await terminals.release(params.terminalId), {})),
      );
    this.rpc = app.connect(this.stream.stream);
    return this.rpc;
  }

  // ---- From the agent ---------------------------------------------------------------------------

  private onUpdate(notification: SessionNotification): void {
    if (notification.sessionId !== this.sessionId && !this.replaying) {
      return;
    }
    for (const event of eventsOfUpdate(notification.update, this.modes)) {
      const kept = !this.replaying || event.type === 'modes' || event.type === 'commands' || event.type === 'context';
      if (kept) {
        this.handle(event);
      }
    }
  }

  private onPermission(request: RequestPermissionRequest, signal: AbortSignal): Promise<RequestPermissionResponse> {
    const requestId = `acp-permission-${this.nextPermission++}`;
    const tool = toolCallChange(request.toolCall);
    return new Promise((resolve) => {
      const answer = (response: RequestPermissionResponse): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(response);
      };
      const onAbort = (): void => {
        this.permissions.delete(requestId);
        answer({ outcome: { outcome: 'cancelled' } });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.permissions.set(requestId, { options: request.options, answer });
      this.handle({ type: 'tool-call', call: tool });
      this.handle({
        type: 'permission-request',
        requestId,
        toolName: tool.title ?? 'a tool',
        input: request.toolCall.rawInput ?? tool.title ?? '',
        description: undefined,
        choices: permissionChoices(request.options),
      });
    });
  }

  private handle(decoded: AgentEvent): void {
    // An agent that echoes its own key in a broken line must not put it in the log or the transcript.
    const event: AgentEvent =
      decoded.type === 'protocol-error'
        ? {
            ...decoded,
            reason: this.masked(decoded.reason),
            excerpt: this.masked(decoded.excerpt),
          }
        : decoded;
    switch (event.type) {
      case 'permission-request':
        this.setState('waiting-for-input');
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
      case 'protocol-error':
        this.deps.logger.warn(`[session:${this.workerId}] ${event.reason}: ${event.excerpt}`);
        break;
      default:
        break;
    }
    this.events.fire(event);
  }

  // ---- Turns and the end ------------------------------------------------------------------------

  private endTurn(turn: AcpTurn | undefined, event: TurnEnd): void {
    if (!turn || this.turn !== turn) {
      // The answer to a turn Shepherd already ended (cancel grace passed): nothing left to do.
      return;
    }
    clearTimeout(turn.cancelTimer);
    this.turn = undefined;
    this.cancelPermissions();
    if (this.isAlive) {
      this.setState('idle');
    }
    this.events.fire(event);
    turn.resolve(event);
  }

  private cancelPermissions(): void {
    for (const pending of this.permissions.values()) {
      pending.answer({ outcome: { outcome: 'cancelled' } });
    }
    this.permissions.clear();
  }

  private onProcessEnd(how: string): void {
    this.stream.end();
    this.cancelPermissions();
    this.setState('exited');
    void this.deps.tasks.run(`release terminals of ${this.workerId}`, () => this.terminals.releaseAll());
    this.failTurn(new AgentExitError(`${how} in the middle of a turn`));
    this.exits.fire(how);
  }

  private failTurn(error: Error): void {
    const turn = this.turn;
    this.turn = undefined;
    clearTimeout(turn?.cancelTimer);
    turn?.reject(error);
  }

  private setState(state: ConnectionState): void {
    this.currentState = state;
  }
}
