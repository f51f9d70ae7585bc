import { ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MARKER_VAR, waitFor } from './processes';

/** A port the kernel just handed out on loopback, free at the moment it is returned. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no TCP address for the probe server');
  }
  return address.port;
}

/** Sends one inline command and resolves with the raw reply text, so tests can ask Redis without the client under test. */
export async function rawCommand(port: number, command: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis-server on ${port} did not answer "${command}"`));
    }, 2_000);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      // A bulk reply ($len) is complete once its body and CRLF arrived; others end at the first CRLF.
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      const complete = bulk ? reply.length >= bulk[0].length + Number(bulk[1]) + 2 : reply.endsWith('\r\n');
      if (complete) {
        clearTimeout(timer);
        socket.end();
        resolve(reply);
      }
    });
    socket.write(`${command}\r\n`);
  });
}

/**
 * A real redis-server of the test's own: a free loopback port, a temp folder, no persistence, the test
 * marker in its environment (so the root hook proves it did not outlive the run). `stop()` kills it;
 * `restart()` starts a fresh one on the same port (its data gone, as after a crash without persistence).
 */
export class RedisServer {
  private process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly marker: string,
  ) {}

  /** `port`: a port chosen before, where a client was already told to look (a free one by default). */
  static async start(marker: string, port?: number): Promise<RedisServer> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-redis-'));
    const server = new RedisServer(port ?? (await freePort()), dir, marker);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  async launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      { env: { ...process.env, [MARKER_VAR]: this.marker }, stdio: 'ignore' },
    );
    this.process = child;
    await waitFor(`redis-server on port ${this.port}`, async () => {
      if (child.exitCode !== null) {
        throw new Error(`redis-server exited with ${child.exitCode}`);
      }
      return (await rawCommand(this.port, 'PING').catch(() => '')).startsWith('+PONG') ? true : undefined;
    });
  }

  /** SIGKILL, as a crash: clients see their connections reset. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.kill();
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  /** Runs one command (arguments as a list, sent as RESP) and resolves with the raw reply. */
  async command(args: readonly string[]): Promise<string> {
    const resp = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
    return rawCommand(this.port, resp.slice(0, -2));
  }

  /** Closes every connection whose client name is `name`, as a network blip would. */
  async clientKill(name: string): Promise<void> {
    const list = await rawCommand(this.port, 'CLIENT LIST');
    for (const match of list.matchAll(/id=(\d+) [^\n]*name=(\S+)/g)) {
      if (match[2] === name || match[2] === `${name}.streams`) {
        await rawCommand(this.port, `CLIENT KILL ID ${match[1]}`);
      }
    }
  }

  /** The number of calls of each command Redis executed, from INFO commandstats. */
  async commandCalls(): Promise<Map<string, number>> {
    const info = await rawCommand(this.port, 'INFO commandstats');
    const calls = new Map<string, number>();
    for (const match of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
      calls.set(match[1], Number(match[2]));
    }
    return calls;
  }
}
