import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PM2_BIN } from './paths';
import { killGroup, liveGroupMembers, sleep } from './processes';

/** One app of an ecosystem file; only the fields the bench sets. */
export interface Pm2App {
  readonly name: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly killTimeoutMs?: number;
}

/**
 * pm2 sends SIGINT by default; the bench makes it send SIGTERM, as Shepherd does, so both tools ask
 * the same question and the stubborn workers (which ignore SIGTERM only) need SIGKILL from both.
 */
const KILL_SIGNAL = 'SIGTERM';

/** Every Pm2 not yet disposed, so an interrupted run can still kill their daemons. */
const live = new Set<Pm2>();

/**
 * Last resort on process exit (the event loop will not run again): SIGKILL to every daemon group
 * still recorded. Normal runs have disposed them all by then and this does nothing.
 */
process.on('exit', () => {
  for (const pm2 of live) {
    pm2.killDaemonSync();
  }
});

/** Disposes every live pm2 (for a run that is being interrupted); returns what each cleanup found. */
export async function disposeAllPm2(): Promise<Pm2CleanupReport[]> {
  return Promise.all([...live].map((pm2) => pm2.dispose()));
}

export interface Pm2Process {
  readonly name: string;
  readonly pid: number;
  readonly status: string;
}

/** What cleaning up pm2 found; anything but a clean kill is reported in the results. */
export interface Pm2CleanupReport {
  readonly killError: string | undefined;
  /** Daemon-group processes still alive after `pm2 kill` and SIGKILLed by the bench. */
  readonly daemonSurvivors: number;
}

const CLI_TIMEOUT_MS = 180_000;

/**
 * pm2 in a home of its own (mkdtemp), so the bench never touches a user's ~/.pm2 and always knows
 * which daemon is its own. `dispose()` must run in a finally: it kills the daemon, makes sure its
 * process group is gone, and removes the home.
 */
export class Pm2 {
  private daemonPgid: number | undefined;
  private disposing: Promise<Pm2CleanupReport> | undefined;

  private constructor(readonly home: string) {}

  static async create(): Promise<Pm2> {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-bench-pm2-'));
    const pm2 = new Pm2(home);
    live.add(pm2);
    // pm2's first run in a fresh home reports the install to version.pm2.io unless this file exists;
    // the bench talks to nothing but the loopback, so it is created up front.
    await fs.writeFile(path.join(home, 'touch'), String(Date.now()));
    return pm2;
  }

  /** The daemon's PID (it leads its own process group), once startDaemon has run. */
  get daemonPid(): number | undefined {
    return this.daemonPgid;
  }

  /** Runs the pm2 CLI and resolves with its stdout; rejects with its stderr when it fails. */
  cli(args: readonly string[], timeoutMs: number = CLI_TIMEOUT_MS): Promise<string> {
    const env = {
      ...process.env,
      PM2_HOME: this.home,
      // The daemon would otherwise schedule a daily request to version.pm2.io.
      PM2_DISABLE_VERSION_CHECK: 'true',
      FORCE_COLOR: '0',
    };
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [PM2_BIN, ...args],
        { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            reject(new Error(`pm2 ${args.join(' ')} failed: ${error.message}\n${stderr}`));
            return;
          }
          resolve(stdout);
        },
      );
    });
  }

  /** Starts the daemon, outside any timed section, and remembers its group for the cleanup. */
  async startDaemon(): Promise<void> {
    await this.cli(['ping']);
    this.daemonPgid = await this.readDaemonPid();
  }

  async writeEcosystem(fileName: string, apps: readonly Pm2App[]): Promise<string> {
    const file = path.join(this.home, fileName);
    const config = {
      apps: apps.map((app) => ({
        name: app.name,
        script: app.script,
        args: [...app.args],
        // The script is a binary or a shell, never a Node file: pm2 must exec it as it is.
        interpreter: 'none',
        cwd: os.tmpdir(),
        env: app.env,
        autorestart: false,
        kill_signal: KILL_SIGNAL,
        ...(app.killTimeoutMs === undefined ? {} : { kill_timeout: app.killTimeoutMs }),
      })),
    };
    await fs.writeFile(file, JSON.stringify(config, null, 2));
    return file;
  }

  async jlist(): Promise<Pm2Process[]> {
    const out = await this.cli(['jlist']);
    // jlist prints the JSON array on a line of its own; anything else (warnings) is skipped.
    const line = out.split('\n').find((l) => l.startsWith('['));
    if (line === undefined) {
      throw new Error(`pm2 jlist printed no JSON: ${out.slice(0, 500)}`);
    }
    const parsed = JSON.parse(line) as Array<{ name: string; pid: number; pm2_env: { status: string } }>;
    return parsed.map((p) => ({ name: p.name, pid: p.pid, status: p.pm2_env.status }));
  }

  /** SIGKILL to the daemon's group, synchronously; for the exit handler only. */
  killDaemonSync(): void {
    if (this.daemonPgid !== undefined) {
      killGroup(this.daemonPgid);
    }
  }

  /** Kills the daemon and removes the home; the second and later calls share the first one's work. */
  dispose(): Promise<Pm2CleanupReport> {
    // Stays in `live` until the cleanup has finished, so the exit handler still covers a failed one.
    this.disposing ??= this.cleanUp().finally(() => live.delete(this));
    return this.disposing;
  }

  private async cleanUp(): Promise<Pm2CleanupReport> {
    let killError: string | undefined;
    this.daemonPgid ??= await this.readDaemonPid();
    try {
      await this.cli(['kill'], 60_000);
    } catch (error) {
      // Reported, not thrown: the group kill below still runs, and the report shows what failed.
      killError = error instanceof Error ? error.message : String(error);
    }
    // A CLI that found no daemon may have spawned one just to kill it; its pid file says so.
    this.daemonPgid ??= await this.readDaemonPid();
    let daemonSurvivors = 0;
    if (this.daemonPgid !== undefined) {
      // `pm2 kill` returns once the daemon said goodbye; give the kernel a moment, then make sure.
      for (let attempt = 0; attempt < 20; attempt++) {
        const alive = await liveGroupMembers(this.daemonPgid);
        if (alive.length === 0) {
          break;
        }
        if (attempt === 5) {
          daemonSurvivors = alive.length;
          killGroup(this.daemonPgid);
        }
        await sleep(50);
      }
    }
    await fs.rm(this.home, { recursive: true, force: true });
    return { killError, daemonSurvivors };
  }

  private async readDaemonPid(): Promise<number | undefined> {
    try {
      const pid = Number((await fs.readFile(path.join(this.home, 'pm2.pid'), 'utf8')).trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw error;
    }
  }
}

/** The version of the pinned pm2, as the results should name it. */
export function pm2Version(): string {
  const manifest = JSON.parse(readFileSync(path.join(path.dirname(PM2_BIN), '..', 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
