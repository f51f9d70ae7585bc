// Offline "real VS Code" for tests, part one: code-server (VS Code 1.100.3 served to a browser) installed
// from the npm registry into .vscode-test/ without its postinstall (which needs GitHub downloads), its
// native modules rebuilt for this Node. Starting it is codeServer.ts's job.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VSCODE_TEST_DIR } from './paths';

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

export function log(message: string): void {
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
