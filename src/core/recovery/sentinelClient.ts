import * as l10n from '@vscode/l10n';
import { ChildProcess, fork } from 'node:child_process';
import { describeError, Logger } from '../base/logger';
import { GroupWatcher, WatchedGroup } from './groupWatcher';
import { OWNER_MARK_VAR } from './ownerMark';
import { HostMessage } from './sentinelProtocol';

/** A sentinel that dies this often within SENTINEL_RESTART_WINDOW_MS is broken: restarting it would only loop. */
export const MAX_SENTINEL_RESTARTS = 5;
export const SENTINEL_RESTART_WINDOW_MS = 60_000;
/** How long goodbye() waits for the sentinel to exit before it lets it finish on its own. */
export const SENTINEL_GOODBYE_MS = 1_000;
/**
 * The sentinel keeps a list of a few dozen groups: a small heap suffices, and a small young
 * generation keeps V8 from reserving memory it will never use (see bench/ for the RSS this gives).
 */
export const SENTINEL_EXEC_ARGV: readonly string[] = ['--max-old-space-size=16', '--max-semi-space-size=1'];

export interface SentinelOptions {
  /** The sentinel's script: dist/sentinel.js in the extension, out/src/sentinel/main.js in tests. */
  readonly script: string;
  /** Where the sentinel writes what it did (see sentinelLog.ts). */
  readonly logFile: string;
  readonly logger: Logger;
  /** Told when the sentinel died and was restarted (or not): for the activity log. */
  readonly onWarning: (message: string) => void;
  /** The Node (or Electron, run as Node) binary; this process's own by default. */
  readonly nodePath?: string;
  /** The sentinel's environment; this process's own by default. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The extension host's side of the sentinel: starts it, tells it of every group (start() of a worker
 * waits until the message is handed to the channel), says goodbye on an orderly shutdown, and
 * restarts it, telling it the whole list again, if it dies.
 */
export class SentinelClient implements GroupWatcher {
  private child: ChildProcess | undefined;
  private readonly groups = new Map<number, WatchedGroup>();
  private readonly restarts: number[] = [];
  private closed = false;

  constructor(private readonly options: SentinelOptions) {}

  /** The running sentinel's PID, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the sentinel. Call once, before any worker starts. */
  start(): void {
    const env: NodeJS.ProcessEnv = { ...(this.options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' };
    // The sentinel is no worker: a scan for dead hosts' workers must never take it for one.
    delete env[OWNER_MARK_VAR];
    const child = fork(this.options.script, [this.options.logFile, String(process.pid)], {
      execPath: this.options.nodePath ?? process.execPath,
      execArgv: [...SENTINEL_EXEC_ARGV],
      env,
      // Its own session: a signal to the editor's process group must not reach it.
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    this.child = child;
    child.on('error', (error) => this.options.logger.error(`the sentinel: ${describeError(error)}`));
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    // Neither the process nor its channel may keep the host (or a test run) alive.
    child.unref();
    child.channel?.unref();
    for (const group of this.groups.values()) {
      void this.send({ type: 'started', group });
    }
  }

  groupStarted(group: WatchedGroup): Promise<void> {
    this.groups.set(group.pgid, group);
    return this.send({ type: 'started', group });
  }

  groupEnded(group: WatchedGroup): void {
    if (this.groups.get(group.pgid)?.startToken === group.startToken) {
      this.groups.delete(group.pgid);
    }
    void this.send({ type: 'ended', pgid: group.pgid, startToken: group.startToken });
  }

  /** Tells the sentinel the host ends in order, and waits (briefly) for it to exit. */
  async goodbye(): Promise<void> {
    this.closed = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await this.send({ type: 'goodbye' });
    if (child.connected) {
      child.disconnect();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, SENTINEL_GOODBYE_MS)))]);
    clearTimeout(timer);
  }

  /** Resolves once the message is handed to the channel; never rejects (a dead sentinel is restarted). */
  private send(message: HostMessage): Promise<void> {
    const child = this.child;
    if (!child?.connected) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // A false return is backpressure only: the message is queued and the callback still comes.
      child.send(message, (error) => {
        if (error) {
          this.options.logger.warn(`could not tell the sentinel about a worker: ${describeError(error)}`);
        }
        resolve();
      });
    });
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closed || this.child !== child) {
      return;
    }
    this.child = undefined;
    const now = Date.now();
    while (this.restarts.length > 0 && now - this.restarts[0] > SENTINEL_RESTART_WINDOW_MS) {
      this.restarts.shift();
    }
    if (this.restarts.length >= MAX_SENTINEL_RESTARTS) {
      const args = { signal: signal ?? '', code: String(code), count: MAX_SENTINEL_RESTARTS + 1 };
      const ended = signal
        ? l10n.t('The sentinel was killed by {signal}, the {count}th time within a minute; it is not restarted.', args)
        : l10n.t(
            'The sentinel exited with code {code}, the {count}th time within a minute; it is not restarted.',
            args,
          );
      const risk = l10n.t('If the editor now dies hard, its workers are stopped only at the next start.');
      const message = `${ended} ${risk}`;
      this.options.logger.error(message);
      this.options.onWarning(message);
      return;
    }
    this.restarts.push(now);
    this.start();
    const args = { old: String(child.pid), signal: signal ?? '', code: String(code), pid: String(this.pid) };
    const message = signal
      ? l10n.t('The sentinel (pid {old}) was killed by {signal}; restarted as pid {pid}.', args)
      : l10n.t('The sentinel (pid {old}) exited with code {code}; restarted as pid {pid}.', args);
    this.options.logger.warn(message);
    this.options.onWarning(message);
  }
}
