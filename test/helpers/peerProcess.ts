import { ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FLEET_SECRET } from './fleetFixture';
import { MARKER_VAR, waitFor } from './processes';

/** The compiled peer entry point (out/src/peer/main.js), so the tests need no bundle. */
const PEER_MAIN = path.resolve(__dirname, '..', '..', 'src', 'peer', 'main.js');

export interface PeerOptions {
  readonly name: string;
  readonly redisUrl: string;
  readonly marker: string;
  /** `shepherd.workers` entries. */
  readonly workers: readonly unknown[];
  readonly allowRemoteControl?: boolean;
  /** Reuse a status file (to show orphan recovery after a SIGKILL). */
  readonly statusFile?: string;
}

/** A headless peer run as its own process, its log lines kept for assertions. */
export class PeerProcess {
  readonly lines: string[] = [];
  private exit: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly statusFile: string,
    readonly dir: string,
  ) {
    let pending = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(options: PeerOptions): Promise<PeerProcess> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `shepherd-peer-${options.name}-`));
    const workersFile = path.join(dir, 'workers.json');
    await fs.writeFile(workersFile, JSON.stringify(options.workers));
    const statusFile = options.statusFile ?? path.join(dir, 'status.json');
    const args = [
      PEER_MAIN,
      ...['--workers', workersFile, '--redis', options.redisUrl, '--name', options.name],
      ...['--namespace', 'test', '--heartbeat-seconds', '1', '--status-file', statusFile],
      ...(options.allowRemoteControl ? ['--allow-remote-control'] : []),
    ];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, [MARKER_VAR]: options.marker, SHEPHERD_FLEET_SECRET: FLEET_SECRET },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return new PeerProcess(child, statusFile, dir);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The first log line matching `pattern`, waiting for it if need be. */
  waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return waitFor(
      `a peer log line matching ${pattern}`,
      () => this.lines.find((line) => pattern.test(line)),
      timeoutMs,
    );
  }

  /** The last log line matching `pattern`, once one appeared after `from` lines. */
  waitForLineAfter(from: number, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return waitFor(
      `a peer log line matching ${pattern}`,
      () => this.lines.slice(from).find((line) => pattern.test(line)),
      timeoutMs,
    );
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGTERM and the exit code; SIGKILL if it does not exit within `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return this.exit;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exit;
    clearTimeout(timer);
    return code;
  }

  async exited(): Promise<number | null> {
    return this.exit;
  }

  async cleanUp(): Promise<void> {
    await this.stop();
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
