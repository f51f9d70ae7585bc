import { ErrorReply } from '@redis/client';
import { SessionView } from '../../shared/sessionModel';
import { ActivityLog } from '../base/activityLog';
import { Emitter, Event } from '../base/events';
import { describeError, Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { Supervisor } from '../workers/supervisor';
import { CommandChannel, CommandCounts, RemoteResult } from './commandChannel';
import { RemoteAction } from './commandSigning';
import { DiscoveredHost, discoverHosts, TTL_INTERVALS } from './discovery';
import { hostKey } from './fleetKeys';
import { FleetSecrets, FleetSettings } from './fleetSettings';
import { fleetViewOf, FleetView } from './fleetView';
import { buildHeartbeat, HostRole } from './heartbeat';
import { pause, RedisLink, RedisOfflineError } from './redisLink';
import { ReplyBook } from './replyBook';
import { supervisorTarget } from './supervisorTarget';

export interface FleetMemberOptions {
  readonly settings: FleetSettings;
  readonly secrets: FleetSecrets;
  /** Stable across restarts for a peer (commands sent while it was away still reach it). */
  readonly hostId: string;
  readonly role: HostRole;
  /** The window's workspace or the peer's name. */
  readonly name: string;
  readonly version: string;
  readonly supervisor: Supervisor;
  readonly sessions?: () => readonly SessionView[];
  readonly tasks: TaskRegistry;
  readonly activity: ActivityLog;
  readonly logger: Logger;
  /** Where sends wait for answers, if it should outlive this member (see CommandChannel). */
  readonly replies?: ReplyBook;
  /** Test and bench knobs; production uses the link's defaults. */
  readonly link?: {
    readonly commandTimeoutMs?: number;
    readonly backoffBaseMs?: number;
    readonly backoffMaxMs?: number;
  };
}

/**
 * One window or peer in the fleet: publishes its heartbeat, discovers the others, obeys and sends
 * signed commands, and keeps a FleetView that says at every moment what it knows. It only ever reads
 * the supervisor's snapshot, so local supervision never waits on Redis.
 */
export class FleetMember {
  private readonly link: RedisLink;
  private readonly channel: CommandChannel;
  private readonly viewEmitter: Emitter<FleetView>;
  private readonly stopper = new AbortController();
  private readonly intervalMs: number;
  private lastRound: { epoch: number; hosts: readonly DiscoveredHost[] } | undefined;
  private currentView: FleetView = { kind: 'connecting' };
  private wakeDiscovery: (() => void) | undefined;

  constructor(private readonly options: FleetMemberOptions) {
    const { settings, logger, tasks } = options;
    this.intervalMs = settings.heartbeatSeconds * 1_000;
    this.link = new RedisLink({
      url: settings.redisUrl,
      secrets: options.secrets,
      clientName: `shepherd.${options.hostId}`,
      tasks,
      logger,
      ...options.link,
    });
    this.channel = new CommandChannel({
      link: this.link,
      namespace: settings.namespace,
      hostId: options.hostId,
      secret: options.secrets.fleetSecret,
      allowRemoteControl: settings.allowRemoteControl,
      target: supervisorTarget(options.supervisor),
      activity: options.activity,
      logger,
      tasks,
      replies: options.replies,
    });
    this.viewEmitter = new Emitter<FleetView>((error) =>
      logger.error(`a listener of the fleet view threw: ${describeError(error)}`),
    );
    this.link.onDidChangeState(() => this.updateView());
  }

  get hostId(): string {
    return this.options.hostId;
  }

  get view(): FleetView {
    return this.currentView;
  }

  get onDidChangeView(): Event<FleetView> {
    return this.viewEmitter.event;
  }

  /** What this host did with the commands it received. */
  get commandCounts(): Readonly<CommandCounts> {
    return this.channel.counts;
  }

  start(): void {
    const { tasks } = this.options;
    this.link.start();
    this.channel.start();
    void tasks.run('fleet: heartbeat', (signal) => this.heartbeatLoop(this.withStop(signal)));
    void tasks.run('fleet: discovery', (signal) => this.discoveryLoop(this.withStop(signal)));
  }

  /** Runs a discovery round now rather than at the next interval. */
  refresh(): void {
    this.wakeDiscovery?.();
  }

  /** Sends a signed start, stop or restart to a worker of another host and resolves with its answer. */
  send(targetHost: string, workerId: string, action: RemoteAction): Promise<RemoteResult> {
    return this.channel.send(targetHost, workerId, action);
  }

  /** Leaves the fleet: the heartbeat is deleted (others see this host gone at once) and the link closed. */
  async close(): Promise<void> {
    this.stopper.abort();
    this.channel.close();
    if (this.link.current.kind === 'connected') {
      const key = hostKey(this.options.settings.namespace, this.options.hostId);
      await this.link
        .call('DEL heartbeat', (client) => client.del(key))
        .catch((error: unknown) =>
          this.options.logger.warn(`fleet: could not remove the heartbeat: ${describeError(error)}`),
        );
    }
    await this.link.close();
    this.viewEmitter.dispose();
  }

  private withStop(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, this.stopper.signal]);
  }

  private heartbeatLoop(signal: AbortSignal): Promise<void> {
    // The wait starts after the write ended, so writes never overlap however slow Redis is.
    return this.whileConnected(
      'heartbeat',
      signal,
      () => this.publish(),
      () => pause(this.intervalMs, signal),
    );
  }

  private async publish(): Promise<void> {
    const { settings, supervisor, sessions, hostId } = this.options;
    const heartbeat = buildHeartbeat(
      {
        hostId,
        machine: settings.machineName,
        role: this.options.role,
        name: this.options.name,
        version: this.options.version,
        intervalMs: this.intervalMs,
        remoteControl: settings.allowRemoteControl,
        shareCommandLines: settings.shareCommandLines,
      },
      supervisor.snapshot(),
      sessions?.() ?? [],
    );
    const key = hostKey(settings.namespace, hostId);
    const value = JSON.stringify(heartbeat);
    await this.link.call('SET heartbeat', (client) =>
      client.set(key, value, { expiration: { type: 'EX', value: TTL_INTERVALS * settings.heartbeatSeconds } }),
    );
  }

  private discoveryLoop(signal: AbortSignal): Promise<void> {
    const round = async (epoch: number): Promise<void> => {
      const found = await discoverHosts(this.link, this.options.settings.namespace);
      this.lastRound = { epoch, hosts: found.hosts };
      this.updateView();
    };
    // Refresh Fleet wakes the wait, so a user who asks sees a round at once.
    const wait = async (): Promise<void> => {
      const wake = new AbortController();
      this.wakeDiscovery = () => wake.abort();
      await pause(this.intervalMs, AbortSignal.any([signal, wake.signal]));
      this.wakeDiscovery = undefined;
    };
    return this.whileConnected('discovery', signal, round, wait);
  }

  /**
   * Runs `round`, then `wait`, while the link is up. A round that fails because the link went down
   * waits for the next connection and then runs at once (no interval to sit out); one that Redis
   * refused is logged and waits like a good one.
   */
  private async whileConnected(
    what: string,
    signal: AbortSignal,
    round: (epoch: number) => Promise<void>,
    wait: () => Promise<void>,
  ): Promise<void> {
    let failedEpoch = 0;
    while (!signal.aborted) {
      const epoch = await this.link.connected(signal, failedEpoch);
      if (epoch === undefined) {
        return;
      }
      try {
        await round(epoch);
      } catch (error) {
        if (!(error instanceof ErrorReply)) {
          failedEpoch = epoch;
          this.logOffline(what, error);
          continue;
        }
        this.options.logger.warn(`fleet: ${what} was refused: ${error.message}`);
      }
      await wait();
    }
  }

  private logOffline(what: string, error: unknown): void {
    if (!(error instanceof RedisOfflineError)) {
      this.options.logger.warn(`fleet: ${what}: ${describeError(error)}`);
    }
  }

  private updateView(): void {
    const state = this.link.current;
    const round =
      state.kind === 'connected' && this.lastRound?.epoch === state.epoch ? this.lastRound.hosts : undefined;
    this.currentView = fleetViewOf(state, round, this.options.hostId);
    this.viewEmitter.fire(this.currentView);
  }
}
