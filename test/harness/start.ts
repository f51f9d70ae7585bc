// `npm start`: the extension, built from this checkout, in a real VS Code on the demo workspace.
//   - with `code` on PATH: desktop VS Code with --extensionDevelopmentPath (set SHEPHERD_USE_CODE_SERVER=1 to skip);
//   - otherwise: the offline code-server of the test harness, at a printed http://127.0.0.1:PORT address,
//     until Ctrl+C, which stops it and everything it started.
// With redis-server on PATH, the browser mode also starts a local Redis and a headless peer with two workers
// (test/harness/demoFleet.ts), and points the window's shepherd.fleet.redisUrl at it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCodeServer, type CodeServer } from './codeServer';
import { ensureCodeServer, which } from './codeServerInstall';
import { DEMO_WORKSPACE, REPO_ROOT, VSCODE_TEST_DIR } from './paths';
import { DemoFleet, mergeUserSettings, startDemoFleet } from './demoFleet';
import { abortOnSignals, assertNoLeftovers, prepareExtensionsDir } from './session';
import { runMain } from './cli';

function log(message: string): void {
  process.stdout.write(`[shepherd] ${message}\n`);
}

function openInDesktop(code: string): Promise<number> {
  log(`opening ${DEMO_WORKSPACE} in VS Code (${code}) with the extension from ${REPO_ROOT}`);
  const child = spawn(code, [`--extensionDevelopmentPath=${REPO_ROOT}`, DEMO_WORKSPACE], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/**
 * The fleet secret is never written to settings: the window keeps it in SecretStorage, which only the
 * Connect to Fleet command fills (the e2e test drives that command the same way).
 */
function logFleet(fleet: DemoFleet | undefined): void {
  if (!fleet) {
    log(
      'redis-server is not on PATH: the Fleet view explains how to turn the fleet on (apt-get install redis-server).',
    );
    return;
  }
  log(`The Fleet view shows the peer "${fleet.peerName}". To stop or restart its workers from this window, run`);
  log(`"Shepherd: Connect to Fleet…", keep the URL, leave user and password empty, and give the fleet secret:`);
  log(`  ${fleet.fleetSecret}`);
}

async function serveInBrowser(): Promise<number> {
  const signal = abortOnSignals();
  const marker = randomUUID();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-start-'));
  let server: CodeServer | undefined;
  let fleet: DemoFleet | undefined;
  try {
    await ensureCodeServer();
    const extensionsDir = path.join(tmp, 'extensions');
    await prepareExtensionsDir(extensionsDir, { kind: 'symlink', dir: REPO_ROOT }, { withRunner: false });
    // One user-data folder for every run: the same workspace then finds what a previous run left (its
    // status folder, its sentinel's log), although each run serves on a new port.
    const userDataDir = path.join(VSCODE_TEST_DIR, 'user-data', 'start');
    fleet = await startDemoFleet(marker, log);
    // Set or cleared on every run: Redis gets a new port each time, and without it the view must say "not configured".
    mergeUserSettings(path.join(userDataDir, 'User', 'settings.json'), { 'shepherd.fleet.redisUrl': fleet?.redisUrl });
    server = await startCodeServer({
      workspaceFolder: DEMO_WORKSPACE,
      extensionsDir,
      userDataDir,
      trust: true,
      marker,
    });
    log(`VS Code (code-server) is serving the demo workspace with Shepherd loaded.`);
    log(`Open ${server.workbenchUrl()} in a browser. Press Ctrl+C to stop it and every worker it started.`);
    logFleet(fleet);
    // The server's handles are unref'd, so without a timer of its own Node would exit here and skip the cleanup.
    const keepAlive = setInterval(() => undefined, 60_000);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    clearInterval(keepAlive);
    return 0;
  } finally {
    log('stopping…');
    try {
      await server?.stop();
    } finally {
      await fleet?.stop();
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    await assertNoLeftovers(marker);
    log('stopped; nothing left running.');
  }
}

async function main(): Promise<number> {
  const code = process.env.SHEPHERD_USE_CODE_SERVER ? undefined : which('code');
  return code ? openInDesktop(code) : serveInBrowser();
}

runMain('shepherd', main);
