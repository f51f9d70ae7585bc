import * as l10n from '@vscode/l10n';
import { ErrorReply } from '@redis/client';
import { ActivityLog } from '../base/activityLog';
import { describeError, Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { checkCommand, CommandFields } from './commandCheck';
import { newNonce, RemoteAction, signCommand, signReply, verifyReply } from './commandSigning';
import { commandStream, CONSUMER_GROUP, replyStream } from './fleetKeys';
import { COMMAND_MAX_AGE_MS, NonceBook } from './nonceBook';
import { pause, RedisLink, RedisOfflineError } from './redisLink';
import { ReplyBook } from './replyBook';

/** What a host lets other machines do to its workers: exactly the three actions, nothing else. */
export interface RemoteTarget {
  has(workerId: string): boolean;
  /** Runs the action and resolves with what happened, in words; rejects with the reason it failed. */
  run(action: RemoteAction, workerId: string): Promise<string>;
}

export interface RemoteResult {
  readonly ok: boolean;
  readonly message: string;
}

/** What a host did with the commands it read; the fault suite reports these. */
export interface CommandCounts {
  received: number;
  executed: number;
  refused: number;
}

/** Long enough that a blocked read rarely ends empty, short enough that a dead link shows within a heartbeat. */
export const BLOCK_MS = 2_000;
/** A stream holds at most about this many entries; a command older than a minute is refused anyway. */
export const STREAM_MAX_LENGTH = 1_000;
/** Entries read per XREADGROUP call. */
const READ_COUNT = 32;
/** A command nobody answered within its lifetime is dead: the target refuses it once it is older than that. */
export const REPLY_TIMEOUT_MS = COMMAND_MAX_AGE_MS + 5_000;
/** Pause after a Redis error reply in the read loop (a stream deleted under us), so it cannot spin. */
const ERROR_PAUSE_MS = 500;

export interface CommandChannelOptions {
  readonly link: RedisLink;
  readonly namespace: string;
  readonly hostId: string;
  readonly secret: string | undefined;
  readonly allowRemoteControl: boolean;
  readonly target: RemoteTarget;
  readonly activity: ActivityLog;
  readonly logger: Logger;
  readonly tasks: TaskRegistry;
  /**
   * Where sends wait for their answers. A window passes one that outlives this channel (and fails its
   * waits itself); without it the channel keeps its own and fails the waits when it closes.
   */
  readonly replies?: ReplyBook;
}

interface StreamMessage {
  readonly id: string;
  readonly message: Record<string, string>;
}

function toMessages(raw: ReadonlyArray<{ id: unknown; message: unknown } | null>): StreamMessage[] {
  const messages: StreamMessage[] = [];
  for (const entry of raw) {
    if (entry !== null) {
      const fields: Record<string, string> = {};
      for (const [key, value] of Object.entries(entry.message as Record<string, unknown>)) {
        fields[key] = String(value);
      }
      messages.push({ id: String(entry.id), message: fields });
    }
  }
  return messages;
}

/**
 * Remote commands through one Redis Stream per host. Sending: a signed XADD to the target's stream,
 * then a wait for its signed answer on this host's reply stream. Receiving: a consumer-group read on a
 * dedicated connection; each entry is checked (signature, target, age, nonce, permission, action,
 * worker), run or refused and logged, answered, and only then acknowledged. After every reconnect the
 * pending entries are claimed again, so a command that arrived during a blip runs once, not never.
 */
export class CommandChannel {
  readonly counts: CommandCounts = { received: 0, executed: 0, refused: 0 };
  private readonly nonces = new NonceBook();
  private readonly replies: ReplyBook;
  private readonly commandKey: string;
  private readonly replyKey: string;

  constructor(private readonly options: CommandChannelOptions) {
    this.commandKey = commandStream(options.namespace, options.hostId);
    this.replyKey = replyStream(options.namespace, options.hostId);
    this.replies = options.replies ?? new ReplyBook();
  }

  start(): void {
    void this.options.tasks.run('fleet: command stream', (signal) => this.readLoop(signal));
  }

  /** Sends a signed command and resolves with the target's answer, or a failure if none comes in time. */
  async send(targetHost: string, workerId: string, action: RemoteAction): Promise<RemoteResult> {
    const { secret, namespace, hostId, link } = this.options;
    if (secret === undefined) {
      return { ok: false, message: l10n.t('no fleet secret is set, so no command can be signed') };
    }
    const claims = { namespace, targetHost, workerId, action, nonce: newNonce(), issuedAt: Date.now() };
    const fields: CommandFields = {
      target: targetHost,
      worker: workerId,
      action,
      nonce: claims.nonce,
      issuedAt: String(claims.issuedAt),
      replyTo: hostId,
      sig: signCommand(secret, claims),
    };
    const answer = this.replies.wait(claims.nonce, REPLY_TIMEOUT_MS, {
      ok: false,
      message: l10n.t('{0} did not answer within {1} s', targetHost, REPLY_TIMEOUT_MS / 1_000),
    });
    try {
      await link.call('XADD', (client) =>
        client.xAdd(
          commandStream(namespace, targetHost),
          '*',
          { ...fields },
          {
            TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: STREAM_MAX_LENGTH },
          },
        ),
      );
    } catch (error) {
      this.replies.settle(claims.nonce, {
        ok: false,
        message: l10n.t('the command could not be sent: {0}', describeError(error)),
      });
    }
    return answer;
  }

  /** Fails every wait for an answer, unless the waits belong to a book that outlives this channel. */
  close(): void {
    if (this.options.replies === undefined) {
      this.replies.failAll(l10n.t('Shepherd closed before the answer came'));
    }
  }

  private async readLoop(signal: AbortSignal): Promise<void> {
    const { link, logger } = this.options;
    let failedEpoch = 0;
    while (!signal.aborted) {
      const epoch = await link.connected(signal, failedEpoch);
      if (epoch === undefined) {
        return;
      }
      try {
        await this.ensureGroups();
        await this.reclaim();
        while (!signal.aborted && link.current.kind === 'connected' && link.current.epoch === epoch) {
          await this.readOnce();
        }
      } catch (error) {
        if (error instanceof ErrorReply) {
          logger.warn(`fleet: reading commands: ${error.message}`);
          await pause(ERROR_PAUSE_MS, signal);
        } else {
          failedEpoch = epoch;
          // A blocked read ends with "Disconnects client" when this host leaves the fleet: no news then.
          if (!(error instanceof RedisOfflineError) && !link.isClosing) {
            logger.warn(`fleet: reading commands stopped: ${describeError(error)}`);
          }
        }
      }
    }
  }

  /** The group on both streams, reading from the start: a command sent before this host ever connected counts. */
  private async ensureGroups(): Promise<void> {
    for (const key of [this.commandKey, this.replyKey]) {
      try {
        await this.options.link.call('XGROUP CREATE', (client) =>
          client.xGroupCreate(key, CONSUMER_GROUP, '0', { MKSTREAM: true }),
        );
      } catch (error) {
        if (!(error instanceof ErrorReply && error.message.startsWith('BUSYGROUP'))) {
          throw error;
        }
      }
    }
  }

  /** Claims what was delivered but never acknowledged (a blip, a crash) and handles it now. */
  private async reclaim(): Promise<void> {
    for (const key of [this.commandKey, this.replyKey]) {
      let start = '0-0';
      do {
        const reply = await this.options.link.call('XAUTOCLAIM', (client) =>
          client.xAutoClaim(key, CONSUMER_GROUP, this.options.hostId, 0, start, { COUNT: 100 }),
        );
        await this.handle(key, toMessages(reply.messages));
        start = String(reply.nextId);
      } while (start !== '0-0');
    }
  }

  private async readOnce(): Promise<void> {
    const reply = await this.options.link.callBlocking('XREADGROUP', BLOCK_MS, (client) =>
      client.xReadGroup(
        CONSUMER_GROUP,
        this.options.hostId,
        [
          { key: this.commandKey, id: '>' },
          { key: this.replyKey, id: '>' },
        ],
        { COUNT: READ_COUNT, BLOCK: BLOCK_MS },
      ),
    );
    if (!reply) {
      return;
    }
    for (const stream of reply as ReadonlyArray<{
      name: unknown;
      messages: Array<{ id: unknown; message: unknown }>;
    }>) {
      await this.handle(String(stream.name), toMessages(stream.messages));
    }
  }

  private async handle(key: string, messages: readonly StreamMessage[]): Promise<void> {
    for (const entry of messages) {
      if (key === this.commandKey) {
        await this.handleCommand(entry);
      } else {
        this.handleReply(entry.message);
        await this.ack(key, entry.id);
      }
    }
  }

  private async handleCommand(entry: StreamMessage): Promise<void> {
    const { namespace, hostId, secret, allowRemoteControl, target, activity, logger } = this.options;
    this.counts.received++;
    const check = checkCommand(entry.id, entry.message, {
      namespace,
      selfHostId: hostId,
      secret,
      allowRemoteControl,
      now: Date.now(),
      nonces: this.nonces,
      hasWorker: (id) => target.has(id),
    });
    switch (check.kind) {
      case 'refused':
        this.counts.refused++;
        activity.record('remote-refused', check.claims?.workerId, check.reason);
        logger.warn(`fleet: ${check.reason}`);
        if (check.replyTo !== undefined && check.claims) {
          await this.reply(check.replyTo, check.claims.nonce, { ok: false, message: check.reason });
        }
        await this.ack(this.commandKey, entry.id);
        return;
      case 'redelivered':
        // Ran already, or is still running (and will answer and acknowledge when done): never run twice.
        if (check.result !== undefined) {
          await this.reply(check.replyTo, check.claims.nonce, check.result);
          await this.ack(this.commandKey, entry.id);
        }
        return;
      case 'run':
        this.counts.executed++;
        activity.record(
          'remote-command',
          check.claims.workerId,
          l10n.t('{0} requested by {1}', check.action, check.replyTo),
        );
        void this.options.tasks.run(`fleet: remote ${check.action} of ${check.claims.workerId}`, () =>
          this.execute(entry.id, check.action, check.claims.workerId, check.claims.nonce, check.replyTo),
        );
    }
  }

  private async execute(
    entryId: string,
    action: RemoteAction,
    workerId: string,
    nonce: string,
    replyTo: string,
  ): Promise<void> {
    let result: RemoteResult;
    try {
      result = { ok: true, message: await this.options.target.run(action, workerId) };
    } catch (error) {
      result = { ok: false, message: l10n.t('{0} of {1} failed: {2}', action, workerId, describeError(error)) };
    }
    this.nonces.settle(nonce, result);
    await this.reply(replyTo, nonce, result);
    await this.ack(this.commandKey, entryId);
  }

  private handleReply(fields: Readonly<Record<string, string>>): void {
    const { secret, namespace, hostId, logger } = this.options;
    const nonce = fields.nonce ?? '';
    if (!this.replies.expects(nonce)) {
      // A command given up on, or sent before a rejoin that changed the settings. Said in the log, since
      // an answer dropped for any other reason would otherwise look like one that never came.
      logger.info(`fleet: dropped an answer from ${fields.from ?? 'nobody'} to no command this host waits on`);
      return;
    }
    const claims = { namespace, senderHost: hostId, nonce, ok: fields.ok === '1', message: fields.message ?? '' };
    if (secret === undefined || !verifyReply(secret, claims, fields.sig ?? '')) {
      logger.warn(`fleet: ignored an answer with a wrong signature (from ${fields.from ?? 'nobody'})`);
      return;
    }
    this.replies.settle(nonce, { ok: claims.ok, message: claims.message });
  }

  private async reply(replyTo: string, nonce: string, result: RemoteResult): Promise<void> {
    const { secret, namespace, link } = this.options;
    if (secret === undefined) {
      return;
    }
    const claims = { namespace, senderHost: replyTo, nonce, ok: result.ok, message: result.message };
    const fields = {
      nonce,
      ok: result.ok ? '1' : '0',
      message: result.message,
      from: this.options.hostId,
      sig: signReply(secret, claims),
    };
    await link.call('XADD reply', (client) =>
      client.xAdd(replyStream(namespace, replyTo), '*', fields, {
        TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: STREAM_MAX_LENGTH },
      }),
    );
  }

  private async ack(key: string, id: string): Promise<void> {
    await this.options.link.call('XACK', (client) => client.xAck(key, CONSUMER_GROUP, id));
  }
}
