import * as l10n from '@vscode/l10n';
import { createClient, ErrorReply, RedisClientType } from '@redis/client';
import { Emitter, Event } from '../base/events';
import { describeError, Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { withTimeout } from '../base/timeouts';
import { FleetSecrets } from './fleetSettings';

export type RedisClient = RedisClientType;

/** What the link is doing; the Fleet view turns it into one of its messages. */
export type LinkState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'connected'; readonly epoch: number }
  | { readonly kind: 'unreachable'; readonly reason: string; readonly retryAt: number }
  | { readonly kind: 'closed' };

/** Two seconds: a local or LAN Redis answers in under a millisecond; longer means it is not answering. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
/** One second doubling to thirty: a blip heals at once, a Redis that is down is not hammered. */
export const DEFAULT_BACKOFF_BASE_MS = 1_000;
export const DEFAULT_BACKOFF_MAX_MS = 30_000;

export interface RedisLinkOptions {
  readonly url: string;
  readonly secrets: FleetSecrets;
  /** Shown in CLIENT LIST, so an admin can tell Shepherd's connections apart. */
  readonly clientName: string;
  readonly tasks: TaskRegistry;
  readonly logger: Logger;
  readonly commandTimeoutMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

/** Raised by a call made while the link is down; the caller waits for the next connection. */
export class RedisOfflineError extends Error {
  constructor(reason: string) {
    super(l10n.t('Redis is not connected: {0}', reason));
    this.name = 'RedisOfflineError';
  }
}

/** One pair of connections, from connect to the first failure. */
class LinkSession {
  private failure: string | undefined;
  private readonly failed: Promise<string>;
  private resolveFailed: (reason: string) => void = () => undefined;

  constructor(
    readonly epoch: number,
    readonly commands: RedisClient,
    /** Dedicated to XREADGROUP BLOCK, which would hold up every other command on a shared connection. */
    readonly blocking: RedisClient,
  ) {
    this.failed = new Promise((resolve) => {
      this.resolveFailed = resolve;
    });
  }

  get broken(): Promise<string> {
    return this.failed;
  }

  get isBroken(): boolean {
    return this.failure !== undefined;
  }

  fail(reason: string): void {
    if (this.failure === undefined) {
      this.failure = reason;
      this.resolveFailed(reason);
    }
  }

  /** Drops both connections at once: a link that failed may hold commands that will never be answered. */
  destroy(): void {
    for (const client of [this.commands, this.blocking]) {
      if (client.isOpen) {
        client.destroy();
      }
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/**
 * The fleet's connection to Redis: connects, notices failure (an error event, a closed socket, a
 * command that times out), backs off and reconnects, and says at every moment which of those it is
 * doing. Every call has a timeout; a call made while the link is down fails at once, never queues.
 */
export class RedisLink {
  private state: LinkState = { kind: 'connecting' };
  private session: LinkSession | undefined;
  private epoch = 0;
  private readonly stateEmitter: Emitter<LinkState>;
  private readonly waiters = new Set<() => void>();
  private readonly stopper = new AbortController();
  private running: Promise<void> | undefined;
  readonly commandTimeoutMs: number;

  constructor(private readonly options: RedisLinkOptions) {
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.stateEmitter = new Emitter<LinkState>((error) =>
      options.logger.error(`a listener of the fleet link threw: ${describeError(error)}`),
    );
  }

  get onDidChangeState(): Event<LinkState> {
    return this.stateEmitter.event;
  }

  get current(): LinkState {
    return this.state;
  }

  /** Starts connecting, under the task registry; reconnects until close(). */
  start(): void {
    this.running ??= this.options.tasks
      .run('fleet: Redis connection', (signal) => this.run(signal))
      .then(() => undefined);
  }

  /**
   * Runs `work` on the command connection within the timeout. A failure other than a Redis error
   * reply (a timeout, a closed socket) breaks the link, which then reconnects.
   */
  call<T>(what: string, work: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.guarded(what, this.commandTimeoutMs, (session) => work(session.commands));
  }

  /** Runs a blocking read on the dedicated connection; the timeout is the block time plus the command timeout. */
  callBlocking<T>(what: string, blockMs: number, work: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.guarded(what, blockMs + this.commandTimeoutMs, (session) => work(session.blocking));
  }

  /**
   * Resolves with the connection epoch once connected (at once if already), or undefined when `signal`
   * aborts. With `afterEpoch`, waits for a newer connection than that one: the caller saw it fail.
   */
  async connected(signal: AbortSignal, afterEpoch = 0): Promise<number | undefined> {
    while (!signal.aborted) {
      if (this.state.kind === 'connected' && this.state.epoch > afterEpoch) {
        return this.state.epoch;
      }
      if (this.state.kind === 'closed') {
        return undefined;
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.waiters.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.waiters.add(wake);
        signal.addEventListener('abort', wake);
      });
    }
    return undefined;
  }

  /** True from the moment close() is called: calls failing after that are expected, not news. */
  get isClosing(): boolean {
    return this.stopper.signal.aborted;
  }

  /** Stops reconnecting and drops the connections. */
  async close(): Promise<void> {
    this.stopper.abort();
    this.session?.fail('closed');
    await this.running;
    this.setState({ kind: 'closed' });
    this.stateEmitter.dispose();
  }

  private async guarded<T>(what: string, timeoutMs: number, work: (session: LinkSession) => Promise<T>): Promise<T> {
    const session = this.session;
    if (!session || session.isBroken) {
      throw new RedisOfflineError(this.state.kind === 'unreachable' ? this.state.reason : this.state.kind);
    }
    try {
      return await withTimeout(work(session), timeoutMs, `Redis ${what}`, {
        onTimeout: () => session.fail(l10n.t('Redis did not answer {0} within {1} ms', what, timeoutMs)),
      });
    } catch (error) {
      // A Redis error reply (WRONGTYPE, BUSYGROUP) is an answer: the connection is fine.
      if (!(error instanceof ErrorReply)) {
        session.fail(l10n.t('{0} failed: {1}', what, describeError(error)));
      }
      throw error;
    }
  }

  private async run(taskSignal: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([taskSignal, this.stopper.signal]);
    let attempt = 0;
    while (!signal.aborted) {
      this.setState({ kind: 'connecting' });
      const session = await this.open();
      if (signal.aborted) {
        // close() came while connecting and found no session to fail: without this, the new one would
        // live on unowned, its consumer reading (and acknowledging) the replies meant for the next member.
        if (session instanceof LinkSession) {
          session.destroy();
        }
        break;
      }
      if (session instanceof LinkSession) {
        attempt = 0;
        this.session = session;
        this.setState({ kind: 'connected', epoch: session.epoch });
        const stop = (): void => session.fail(l10n.t('closed'));
        signal.addEventListener('abort', stop);
        const reason = await session.broken;
        signal.removeEventListener('abort', stop);
        this.session = undefined;
        session.destroy();
        if (signal.aborted) {
          break;
        }
        this.options.logger.warn(`fleet: lost Redis (${reason})`);
        await this.retryLater(reason, attempt++, signal);
      } else {
        await this.retryLater(session, attempt++, signal);
      }
    }
  }

  private async retryLater(reason: string, attempt: number, signal: AbortSignal): Promise<void> {
    const base = this.options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    const delay = Math.min(this.options.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS, base * 2 ** Math.min(attempt, 16));
    this.setState({ kind: 'unreachable', reason, retryAt: Date.now() + delay });
    await pause(delay, signal);
  }

  /** Both connections, or the reason they could not be made. */
  private async open(): Promise<LinkSession | string> {
    const epoch = ++this.epoch;
    const commands = this.newClient(`${this.options.clientName}`);
    const blocking = this.newClient(`${this.options.clientName}.streams`);
    const session = new LinkSession(epoch, commands, blocking);
    for (const client of [commands, blocking]) {
      client.on('error', (error: unknown) => session.fail(describeError(error)));
      client.on('end', () => session.fail(l10n.t('the connection closed')));
    }
    const timeoutMs = this.commandTimeoutMs;
    try {
      await withTimeout(
        Promise.all([commands.connect(), blocking.connect()]).then(() => commands.ping()),
        timeoutMs * 2,
        l10n.t('connecting to Redis'),
      );
    } catch (error) {
      session.destroy();
      return l10n.t('cannot connect: {0}', describeError(error));
    }
    if (session.isBroken) {
      session.destroy();
      return l10n.t('the connection failed as it opened');
    }
    return session;
  }

  private newClient(name: string): RedisClient {
    return createClient({
      url: this.options.url,
      username: this.options.secrets.redisUsername,
      password: this.options.secrets.redisPassword,
      name,
      // Commands on a link that is down fail at once, so nothing piles up while Redis is away.
      disableOfflineQueue: true,
      socket: { connectTimeout: this.commandTimeoutMs, reconnectStrategy: false },
    });
  }

  private setState(state: LinkState): void {
    if (this.state.kind === 'closed') {
      return;
    }
    this.state = state;
    for (const wake of [...this.waiters]) {
      wake();
    }
    this.stateEmitter.fire(state);
  }
}
