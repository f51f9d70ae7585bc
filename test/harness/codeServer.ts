// Offline "real VS Code" for tests, part two: code-server (installed by codeServerInstall.ts) started on a
// free loopback port with its own process group so it can always be torn down, and what runs against it.
import { spawn, type SpawnOptions } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUN_MARKER_VAR } from '../helpers/processes';
import { ensureCodeServer, log } from './codeServerInstall';
import { describe, killNow, survivors, terminate, type Targets } from './processes';

export interface StartOptions {
  /** Folder opened in the workbench. */
  workspaceFolder: string;
  /** Extensions folder (use a fresh one per run: code-server records its contents on first scan). */
  extensionsDir: string;
  /** Defaults to a fresh temp folder, removed by stop(). */
  userDataDir?: string;
  /** true: --disable-workspace-trust (no trust dialog, extensions fully enabled). false: the trust dialog appears. */
  trust: boolean;
  /** Extra environment for the server; it reaches the extension host (and terminals) unchanged. */
  env?: NodeJS.ProcessEnv;
  /** Marker value for RUN_MARKER_VAR; defaults to a random one. Share it with the browser to scan for leftovers once. */
  marker?: string;
  /** User settings merged over the harness defaults (offline, quiet). */
  settings?: Record<string, unknown>;
  /** Milliseconds to wait for the HTTP port to answer. */
  readyTimeoutMs?: number;
}

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  logPath: string;
  userDataDir: string;
  marker: { name: string; value: string };
  /** Workbench URL opening `folder` (default: the workspace folder passed to start). */
  workbenchUrl(folder?: string): string;
  /** VS Code's own log folder (remoteagent.log, exthost*\/remoteexthost.log, ...). */
  vscodeLogsDir(): string;
  /** Ends the server's process group and anything else carrying its marker; safe to call more than once. */
  stop(): Promise<void>;
}

/** Defaults that keep the workbench offline, quiet and deterministic. */
export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'git.autofetch': false,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'json.schemaDownload.enable': false,
  // Anything in the extension host that still tries the network goes to a dead loopback port instead.
  'http.proxy': 'http://127.0.0.1:9',
  'http.proxySupport': 'override',
  // The fixture and demo workspaces live inside Shepherd's own repository: a git worktree of that per
  // session is not what these runs are about, and the question would stop every New Agent Session.
  'shepherd.sessions.worktree': 'never',
};

const active = new Set<Targets>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const targets of active) {
      killNow(targets);
    }
  });
}

export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

function httpStatus(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Environment isolating a child from the real home (~/.config, ~/.local/share, ~/.cache stay untouched). */
export function isolatedXdgEnv(base: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, sub] of [
    ['XDG_CONFIG_HOME', 'config'],
    ['XDG_DATA_HOME', 'data'],
    ['XDG_CACHE_HOME', 'cache'],
    ['XDG_STATE_HOME', 'state'],
  ] as const) {
    const dir = path.join(base, sub);
    fs.mkdirSync(dir, { recursive: true });
    env[name] = dir;
  }
  return env;
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const install = await ensureCodeServer();
  installExitHook();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-cs-'));
  const userDataDir = options.userDataDir ?? path.join(runDir, 'user-data');
  const logPath = path.join(runDir, 'server.log');
  const configPath = path.join(runDir, 'config.yaml');
  const marker = { name: RUN_MARKER_VAR, value: options.marker ?? randomUUID() };

  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) {
    fs.writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2));
  }
  fs.mkdirSync(options.extensionsDir, { recursive: true });
  // Without --config, code-server writes ~/.config/code-server/config.yaml.
  fs.writeFileSync(configPath, 'auth: none\ncert: false\n');

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...isolatedXdgEnv(path.join(runDir, 'xdg')),
    ...options.env,
    [marker.name]: marker.value,
  };
  delete env.VSCODE_IPC_HOOK_CLI; // never talk to an outer VS Code
  // Started from a shell, so the environment already is the user's. Without this the server runs a login
  // shell to read it before it launches any extension host, and a slow ~/.bashrc (pyenv's rehash lock, on
  // these machines) holds every extension back for the 10 s the server waits before giving up.
  env.VSCODE_CLI = '1';

  const attempt = async (): Promise<{ port: number; pid: number; targets: Targets } | 'port-taken'> => {
    const port = await freePort();
    const args = [
      install.entry,
      '--config',
      configPath,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      options.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(options.trust ? ['--disable-workspace-trust'] : []),
      options.workspaceFolder,
    ];
    fs.appendFileSync(logPath, `$ ${process.execPath} ${args.join(' ')}\n`);
    const fd = fs.openSync(logPath, 'a');
    const spawnOptions: SpawnOptions = { cwd: runDir, env, detached: true, stdio: ['ignore', fd, fd] };
    const child = spawn(process.execPath, args, spawnOptions);
    fs.closeSync(fd);
    const pid = child.pid;
    if (pid === undefined) {
      throw new Error(`could not spawn code-server; log: ${logPath}`);
    }
    const targets: Targets = { pgids: [pid], markers: [marker] };
    active.add(targets);
    let exited: number | null | undefined;
    child.on('exit', (code) => (exited = code));
    child.unref();

    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (exited !== undefined) {
        active.delete(targets);
        await terminate(targets, 2000);
        if (/EADDRINUSE/.test(tail(logPath, 50))) {
          return 'port-taken';
        }
        throw new Error(
          `code-server exited with code ${exited} before answering on ${url}; log ${logPath}:\n${tail(logPath)}`,
        );
      }
      if ((await httpStatus(`${url}/healthz`)) !== undefined) {
        return { port, pid, targets };
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await terminate(targets, 2000);
    active.delete(targets);
    throw new Error(
      `code-server did not answer on ${url} within ${options.readyTimeoutMs ?? 60_000} ms; log ${logPath}:\n${tail(logPath)}`,
    );
  };

  let result: Awaited<ReturnType<typeof attempt>> = 'port-taken';
  try {
    for (let i = 0; i < 3 && result === 'port-taken'; i++) {
      result = await attempt();
    }
    if (result === 'port-taken') {
      throw new Error(`code-server could not bind a free port three times; log ${logPath}`);
    }
  } catch (error) {
    if (!process.env.SHEPHERD_KEEP_TEMP) {
      fs.rmSync(runDir, { recursive: true, force: true });
    }
    throw error;
  }

  const { port, pid, targets } = result;
  const url = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const left = await terminate(targets);
      active.delete(targets);
      if (process.env.SHEPHERD_KEEP_TEMP) {
        log(`kept ${runDir} (SHEPHERD_KEEP_TEMP)`);
      } else {
        fs.rmSync(runDir, { recursive: true, force: true }); // a caller-provided userDataDir lives elsewhere and is kept
      }
      if (left.length > 0) {
        throw new Error(`code-server processes survived SIGKILL:\n  ${describe(left)}`);
      }
    })();
    return stopping;
  };

  return {
    url,
    port,
    pid,
    logPath,
    userDataDir,
    marker,
    workbenchUrl: (folder = options.workspaceFolder) => `${url}/?folder=${encodeURIComponent(folder)}`,
    vscodeLogsDir: () => path.join(userDataDir, 'logs'),
    stop,
  };
}

/**
 * Installs a VSIX into an extensions folder with code-server's CLI (runs to completion, no server).
 * Returns the folder name it was unpacked to (publisher.name-version).
 */
export async function installVsix(vsixPath: string, extensionsDir: string): Promise<string> {
  const install = await ensureCodeServer();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-vsix-'));
  const marker = { name: RUN_MARKER_VAR, value: randomUUID() };
  try {
    fs.writeFileSync(path.join(runDir, 'config.yaml'), 'auth: none\ncert: false\n');
    fs.mkdirSync(extensionsDir, { recursive: true });
    const before = new Set(fs.readdirSync(extensionsDir));
    const args = [
      install.entry,
      '--config',
      path.join(runDir, 'config.yaml'),
      '--user-data-dir',
      path.join(runDir, 'user-data'),
      '--extensions-dir',
      extensionsDir,
      '--force',
      '--install-extension',
      path.resolve(vsixPath),
    ];
    const output: Buffer[] = [];
    const child = spawn(process.execPath, args, {
      cwd: runDir,
      env: { ...process.env, ...isolatedXdgEnv(path.join(runDir, 'xdg')), [marker.name]: marker.value },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const targets: Targets = { pgids: child.pid === undefined ? [] : [child.pid], markers: [marker] };
    active.add(targets);
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`installing ${vsixPath} timed out`)), 120_000);
      child.on('error', reject);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    }).finally(async () => {
      await terminate(targets, 2000);
      active.delete(targets);
    });
    const text = Buffer.concat(output).toString('utf8');
    const added = fs
      .readdirSync(extensionsDir)
      .filter((name) => !before.has(name) && !name.startsWith('.') && name !== 'extensions.json');
    if (code !== 0 || !/successfully installed/i.test(text) || added.length !== 1) {
      throw new Error(
        `installing ${vsixPath} into ${extensionsDir} failed (exit ${code}, new folders: ${added.join(', ') || 'none'}):\n${text}`,
      );
    }
    return added[0] as string;
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

/** Processes still alive that carry `marker` (for end-of-run leak checks). */
export function leftoverProcesses(markerValue: string): string[] {
  return survivors({ pgids: [], markers: [{ name: RUN_MARKER_VAR, value: markerValue }] }).map((info) =>
    describe([info]),
  );
}
