// Offline "real VS Code" for tests: code-server (VS Code 1.100.3 served to a browser), installed
// from the npm registry into .vscode-test/ without its postinstall (which needs GitHub downloads),
// then started on a free loopback port with its own process group so it can always be torn down.
import { spawn, type SpawnOptions } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { VSCODE_TEST_DIR } from './paths';
import { RUN_MARKER_VAR } from '../helpers/processes';
import { describe, killNow, survivors, terminate, type Targets } from './processes';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
export const INSTALL_DIR = path.join(VSCODE_TEST_DIR, `code-server-${CODE_SERVER_VERSION}`);
const MARKER_FILE = '.shepherd-install-complete.json';
/** Environment variable carrying a random per-run value into every process the harness starts. */

/** Native modules of VS Code's server that must be compiled for this Node (others are Windows-only or unused). */
const VSCODE_NATIVE_MODULES = ['node-pty', '@vscode/spdlog', 'native-watchdog'];
/** Modules that must load once the install is done (@parcel/watcher ships a prebuilt linux binary). */
const VSCODE_REQUIRED_MODULES = [...VSCODE_NATIVE_MODULES, '@parcel/watcher'];

interface InstallMarker {
  codeServer: string;
  nodeAbi: string;
  platform: string;
  arch: string;
  ripgrep: string | null;
  installedAt: string;
}

export interface CodeServerInstall {
  dir: string;
  /** code-server's CLI entry point, run with this process's node. */
  entry: string;
}

function log(message: string): void {
  process.stdout.write(`[code-server] ${message}\n`);
}

function installInfo(dir: string): CodeServerInstall {
  return { dir, entry: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js') };
}

function readMarker(dir: string): InstallMarker | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MARKER_FILE), 'utf8')) as InstallMarker;
  } catch {
    return undefined;
  }
}

function markerIsCurrent(marker: InstallMarker | undefined): boolean {
  return (
    marker !== undefined &&
    marker.codeServer === CODE_SERVER_VERSION &&
    marker.nodeAbi === process.versions.modules &&
    marker.platform === process.platform &&
    marker.arch === process.arch
  );
}

export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** npm's CLI script: the one running us (npm run ...) or the one on PATH. */
function npmCli(): string {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv && /npm-cli\.js$/.test(fromEnv) && fs.existsSync(fromEnv)) {
    return fromEnv;
  }
  const onPath = which('npm');
  if (onPath) {
    const real = fs.realpathSync(onPath);
    if (real.endsWith('.js')) {
      return real;
    }
    const guess = path.join(path.dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    if (fs.existsSync(guess)) {
      return guess;
    }
  }
  const besideNode = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  if (fs.existsSync(besideNode)) {
    return besideNode;
  }
  throw new Error('cannot find npm (npm-cli.js); run the tests through npm or put npm on PATH');
}

/** node-gyp as bundled with npm (no download needed). */
function nodeGyp(): string {
  const fromEnv = process.env.npm_config_node_gyp;
  if (fromEnv && fs.existsSync(fromEnv)) {
    return fromEnv;
  }
  const bundled = path.join(path.dirname(npmCli()), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (fs.existsSync(bundled)) {
    return bundled;
  }
  throw new Error('cannot find node-gyp (expected it bundled with npm)');
}

/**
 * Node headers for native builds. node-gyp would otherwise download them from nodejs.org.
 * Honours an explicit npm_config_nodedir; else uses the headers installed next to this node if they match.
 */
function nodeHeadersEnv(): NodeJS.ProcessEnv {
  if (process.env.npm_config_nodedir) {
    return {};
  }
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const versionHeader = path.join(prefix, 'include', 'node', 'node_version.h');
  try {
    const text = fs.readFileSync(versionHeader, 'utf8');
    const part = (name: string): string =>
      new RegExp(`#define\\s+NODE_${name}_VERSION\\s+(\\d+)`).exec(text)?.[1] ?? '?';
    if (`v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === process.version) {
      return { npm_config_nodedir: prefix };
    }
  } catch {
    // no local headers: node-gyp will download them (needs nodejs.org)
  }
  return {};
}

class StepRunner {
  constructor(private readonly logFile: string) {}

  async run(label: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
    const started = Date.now();
    log(`${label} ...`);
    fs.appendFileSync(this.logFile, `\n$ (cd ${cwd} && ${command} ${args.join(' ')})\n`);
    const fd = fs.openSync(this.logFile, 'a');
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(command, args, {
          cwd,
          env: {
            ...process.env,
            npm_config_update_notifier: 'false',
            npm_config_fund: 'false',
            npm_config_audit: 'false',
            ...env,
          },
          stdio: ['ignore', fd, fd],
        });
        child.on('error', reject);
        child.on('exit', (exitCode) => resolve(exitCode));
      });
      if (code !== 0) {
        const tail = fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-40).join('\n');
        throw new Error(`${label} failed (exit ${code}); full log: ${this.logFile}\n${tail}`);
      }
    } finally {
      fs.closeSync(fd);
    }
    log(`${label} done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}

async function installInto(dir: string, logFile: string): Promise<InstallMarker> {
  const steps = new StepRunner(logFile);
  const npm = npmCli();
  const headers = nodeHeadersEnv();
  const gyp = nodeGyp();
  const codeServerDir = path.join(dir, 'node_modules', 'code-server');
  const vscodeDir = path.join(codeServerDir, 'lib', 'vscode');

  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      { name: 'shepherd-code-server', private: true, dependencies: { 'code-server': CODE_SERVER_VERSION } },
      null,
      2,
    ),
  );
  // 1. code-server itself, without its postinstall (which needs GitHub and root-only npm flags).
  await steps.run(
    `npm install code-server@${CODE_SERVER_VERSION}`,
    process.execPath,
    [npm, 'install', '--ignore-scripts', '--no-audit', '--no-fund'],
    dir,
  );
  // 2. VS Code's server dependencies (pinned by its npm-shrinkwrap.json).
  await steps.run(
    'npm install (lib/vscode)',
    process.execPath,
    [npm, 'install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'],
    vscodeDir,
  );

  const systemRg = linkRipgrep(dir);

  // 3. Native modules, compiled with npm's own node-gyp against local headers. (kerberos is skipped: it needs
  // libkrb5-dev and only serves proxy Negotiate auth; windows-* and deviceid build nothing on Linux.)
  for (const name of VSCODE_NATIVE_MODULES) {
    await steps.run(
      `node-gyp rebuild ${name}`,
      process.execPath,
      [gyp, 'rebuild', `--jobs=${Math.max(1, os.cpus().length)}`],
      path.join(vscodeDir, 'node_modules', name),
      headers,
    );
  }
  // VS Code (and extensions) look for bundled modules in node_modules.asar; in the server it is the plain folder.
  fs.symlinkSync('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  // 4. Shared dependency of the built-in extensions (typescript).
  await steps.run(
    'npm install (lib/vscode/extensions)',
    process.execPath,
    [npm, 'install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'],
    path.join(vscodeDir, 'extensions'),
  );
  // 5. argon2 (password hashing; loaded by code-server even with --auth none). Never download a prebuilt.
  await steps.run('npm rebuild argon2', process.execPath, [npm, 'rebuild', 'argon2', '--foreground-scripts'], dir, {
    ...headers,
    npm_config_build_from_source: 'true',
  });

  // 6. Prove the native pieces load in this Node.
  const probe = (mods: string[]): string => mods.map((m) => `require(${JSON.stringify(m)});`).join('');
  await steps.run('verify native modules', process.execPath, ['-e', probe(VSCODE_REQUIRED_MODULES)], vscodeDir);
  await steps.run('verify argon2', process.execPath, ['-e', probe(['argon2'])], codeServerDir);

  return {
    codeServer: CODE_SERVER_VERSION,
    nodeAbi: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
    ripgrep: systemRg ?? null,
    installedAt: new Date().toISOString(),
  };
}

/**
 * @vscode/ripgrep's postinstall downloads from GitHub, so the system rg stands in for it (workspace search and
 * findFiles need it). Idempotent; returns the rg used, if any.
 */
function linkRipgrep(installDir: string): string | undefined {
  const rgBin = path.join(
    installDir,
    'node_modules',
    'code-server',
    'lib',
    'vscode',
    'node_modules',
    '@vscode',
    'ripgrep',
    'bin',
  );
  const link = path.join(rgBin, 'rg');
  const systemRg = which('rg');
  if (!systemRg) {
    log('warning: no `rg` on PATH; search in files will not work in the test workbench (apt-get install ripgrep)');
    return undefined;
  }
  fs.mkdirSync(rgBin, { recursive: true });
  // Replace rather than test: a dangling link from an uninstalled rg would otherwise stay.
  fs.rmSync(link, { force: true });
  fs.symlinkSync(fs.realpathSync(systemRg), link);
  return systemRg;
}

/**
 * Installs code-server into .vscode-test/ unless a complete install for this code-server version and Node ABI is
 * already there (a marker file is written only after every step succeeded). Builds in a scratch folder and renames
 * it into place, so an interrupted or concurrent install never leaves a half-finished one behind.
 */
export async function ensureCodeServer(): Promise<CodeServerInstall> {
  if (markerIsCurrent(readMarker(INSTALL_DIR))) {
    // rg may have been installed after code-server was: link it now rather than reinstalling.
    linkRipgrep(INSTALL_DIR);
    return installInfo(INSTALL_DIR);
  }
  const started = Date.now();
  fs.mkdirSync(VSCODE_TEST_DIR, { recursive: true });
  const scratch = fs.mkdtempSync(`${INSTALL_DIR}.partial-`);
  const logFile = path.join(VSCODE_TEST_DIR, `code-server-${CODE_SERVER_VERSION}-install.log`);
  fs.writeFileSync(logFile, `install started ${new Date().toISOString()} in ${scratch}\n`);
  log(`installing code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) into ${INSTALL_DIR}; log: ${logFile}`);
  try {
    const marker = await installInto(scratch, logFile);
    fs.writeFileSync(path.join(scratch, MARKER_FILE), JSON.stringify(marker, null, 2));
    if (markerIsCurrent(readMarker(INSTALL_DIR))) {
      log('another process finished the same install first; using it');
    } else {
      fs.rmSync(INSTALL_DIR, { recursive: true, force: true });
      fs.renameSync(scratch, INSTALL_DIR);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return installInfo(INSTALL_DIR);
}

// ---------------------------------------------------------------------------------------------------------------
// Running it

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
