// The fleet of `npm start` and the e2e tests: a local redis-server and one headless peer (dist/shepherd-peer.js)
// running examples/demo/peer/workers.json, so the demo window's Fleet view shows a second machine.
// Everything carries the run marker; stop() ends the peer (which stops its groups) and then Redis.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUN_MARKER_VAR } from '../helpers/processes';
import { rawCommand } from '../helpers/redisServer';
import { DEFAULT_SETTINGS, freePort } from './codeServer';
import { which } from './codeServerInstall';
import { DEMO_WORKSPACE, REPO_ROOT } from './paths';
import { terminate } from './processes';

/** The peer's workers, in the demo workspace so that users find an example workers file there. */
export const DEMO_PEER_WORKERS = path.join(DEMO_WORKSPACE, 'peer', 'workers.json');
export const DEMO_PEER_NAME = 'gpu-box';
const PEER_BUNDLE = path.join(REPO_ROOT, 'dist', 'shepherd-peer.js');
/** Generous: a loaded 2-core machine can take seconds to start a process. */
const READY_TIMEOUT_MS = 30_000;

export interface DemoFleet {
  readonly redisUrl: string;
  /** The secret the peer checks commands with; the window gets it through Connect to Fleet. */
  readonly fleetSecret: string;
  readonly peerName: string;
  /** The peer's stderr log (one line per event). */
  readonly peerLog: string;
  /** Stops the peer (SIGTERM: it stops every group), then Redis; safe to call twice. */
  stop(): Promise<void>;
}

interface Started {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

function startDetached(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Started {
  const fd = fs.openSync(logFile, 'a');
  // detached: its own process group, so Ctrl+C in the terminal reaches the harness only, which stops it in order.
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited };
}

async function waitUntil(what: string, check: () => Promise<boolean>, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await check())) {
    const failure = failed();
    if (failure !== undefined) {
      throw new Error(`${what}: ${failure}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not ready after ${READY_TIMEOUT_MS / 1_000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** kill() for an exit hook, where a group that is already gone is the expected case. */
function signalQuietly(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      process.stderr.write(`[shepherd] could not signal ${target}: ${String(error)}\n`);
    }
  }
}

function exitText(child: ChildProcess, logFile: string): string | undefined {
  if (child.exitCode === null && child.signalCode === null) {
    return undefined;
  }
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
  return `exited (${child.exitCode ?? child.signalCode}); ${logFile}:\n${log}`;
}

/**
 * Starts the demo fleet, or answers undefined when redis-server is not on PATH (the window then shows the
 * Fleet view's welcome text). `marker` is the run's SHEPHERD_TEST_RUN value, so leftovers are found.
 */
export async function startDemoFleet(marker: string, log: (message: string) => void): Promise<DemoFleet | undefined> {
  if (!which('redis-server')) {
    return undefined;
  }
  if (!fs.existsSync(PEER_BUNDLE)) {
    throw new Error(`${PEER_BUNDLE} is missing; run \`npm run build\` first`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-demo-fleet-'));
  const env = { ...process.env, [RUN_MARKER_VAR]: marker };
  const port = await freePort();
  const redisLog = path.join(dir, 'redis.log');
  const redis = startDetached(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    env,
    redisLog,
  );
  const fleetSecret = randomBytes(24).toString('base64url');
  const redisUrl = `redis://127.0.0.1:${port}`;
  const peerLog = path.join(dir, 'peer.log');
  let peer: Started | undefined;
  let stopping: Promise<void> | undefined;
  // A second Ctrl+C exits at once: SIGTERM still reaches both (the peer then stops its own groups).
  const onExit = (): void => {
    for (const pid of [peer?.child.pid, redis.child.pid]) {
      if (pid !== undefined) {
        signalQuietly(-pid, 'SIGTERM');
      }
    }
  };
  process.on('exit', onExit);
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('exit', onExit);
      // The peer first, and with its own grace (the stubborn worker takes 3 s): it stops its groups itself.
      if (peer?.child.pid !== undefined) {
        await terminate({ pgids: [peer.child.pid], markers: [] }, 10_000);
      }
      if (redis.child.pid !== undefined) {
        await terminate({ pgids: [redis.child.pid], markers: [] }, 5_000);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  try {
    await waitUntil(
      `redis-server on port ${port}`,
      async () => (await rawCommand(port, 'PING').catch(() => '')).startsWith('+PONG'),
      () => exitText(redis.child, redisLog),
    );
    const args = [PEER_BUNDLE, '--workers', DEMO_PEER_WORKERS, '--redis', redisUrl, '--name', DEMO_PEER_NAME];
    // Secrets by environment, never argv; remote control on, so Stop in the window's Fleet view works.
    const peerEnv = { ...env, SHEPHERD_FLEET_SECRET: fleetSecret, XDG_STATE_HOME: path.join(dir, 'state') };
    peer = startDetached(process.execPath, [...args, '--allow-remote-control'], peerEnv, peerLog);
    const started = peer;
    await waitUntil(
      `the demo peer ${DEMO_PEER_NAME}`,
      async () => fs.existsSync(peerLog) && /remote control on/.test(fs.readFileSync(peerLog, 'utf8')),
      () => exitText(started.child, peerLog),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  log(`fleet: redis-server on ${redisUrl} and a headless peer "${DEMO_PEER_NAME}" (log ${peerLog})`);
  return { redisUrl, fleetSecret, peerName: DEMO_PEER_NAME, peerLog, stop };
}

/**
 * Sets (or, with `undefined`, removes) user settings in a settings.json the harness wrote earlier; a file
 * someone edited into JSON with comments is refused with its name rather than overwritten.
 */
export function mergeUserSettings(settingsFile: string, changes: Record<string, unknown>): void {
  // A new file gets the harness defaults too: code-server's start only writes them into a missing file.
  let current: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  if (fs.existsSync(settingsFile)) {
    const text = fs.readFileSync(settingsFile, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`${settingsFile} is not plain JSON (${String(error)}); fix or delete it`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${settingsFile} does not hold a JSON object; fix or delete it`);
    }
    current = { ...parsed };
  }
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) {
      delete current[key];
    } else {
      current[key] = value;
    }
  }
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify(current, null, 2));
}
