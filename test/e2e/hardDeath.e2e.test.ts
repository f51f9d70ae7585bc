// The editor dying hard, in the real code-server: its extension host SIGKILLed right after the workers
// started, and the whole server stopped with SIGTERM to its process group (Ctrl+C in a terminal) and
// started again on another port, as `npm start` does. Nothing may survive, and the next window says
// what happened. The spec runs its own servers (it kills them) on one user-data folder, as a user would.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkbench, type Workbench } from '../harness/browser';
import { startCodeServer, type CodeServer } from '../harness/codeServer';
import { REPO_ROOT } from '../harness/paths';
import { RUN_MARKER_VAR, scanMarked } from '../helpers/processes';
import { errnoCode } from '../../src/shared/untrusted';
import { extensionSourceFrom, prepareExtensionsDir } from '../harness/session';
import { waitForShepherd } from './shepherdUi';

/** The workers ignore SIGTERM for this long before the SIGKILL ends them. */
const GRACE_MS = 1_000;
/** The issue's bound for the sentinel: the workers' grace plus one second. */
const BOUND_MS = GRACE_MS + 1_000;
const WORKERS = 3;
/** stubborn.sh is a shell and two sleeps. */
const PROCESSES = WORKERS * 3;

interface Worker {
  readonly pid: number;
  /** The extension host named by its owner mark. */
  readonly hostPid: number;
}

/** Live processes of this run carrying an owner mark, with the host each names. */
function markedWorkers(marker: string): Worker[] {
  const workers: Worker[] = [];
  for (const info of scanMarked(marker, RUN_MARKER_VAR)) {
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${info.pid}/environ`, 'latin1');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ESRCH') {
        continue; // gone since the scan
      }
      throw error;
    }
    const mark = environ.split('\0').find((entry) => entry.startsWith('SHEPHERD_OWNER='));
    if (mark) {
      workers.push({ pid: info.pid, hostPid: Number(mark.slice('SHEPHERD_OWNER='.length).split('/')[0]) });
    }
  }
  return workers;
}

async function poll<T>(what: string, check: () => T | undefined, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A workspace whose settings start three stubborn workers on their own. */
function makeWorkspace(dir: string): void {
  const stubborn = path.join(REPO_ROOT, 'test', 'fixtures', 'stubborn.sh');
  const workers = Array.from({ length: WORKERS }, (_, i) => ({
    id: `stubborn-${i + 1}`,
    command: '/bin/sh',
    args: [stubborn],
    graceMs: GRACE_MS,
    restart: 'never',
    autoStart: true,
  }));
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'shepherd.workers': workers }));
}

describe('the editor dying hard leaves no worker behind', function () {
  this.timeout(240_000);
  const marker = randomUUID();
  let tmp: string;
  let workspace: string;
  let userDataDir: string;
  let extensionsDir: string;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;

  /** The workers of one extension host, other than those of `gone` hosts, once all of them run. */
  function workersOfNewHost(gone: ReadonlySet<number>): Promise<Worker[]> {
    return poll(
      'the workers',
      () => {
        const found = markedWorkers(marker).filter((w) => !gone.has(w.hostPid));
        const hosts = new Set(found.map((w) => w.hostPid));
        return found.length >= PROCESSES && hosts.size === 1 ? found : undefined;
      },
      60_000,
    );
  }

  /**
   * A window whose workers run: the open one reloaded (a new extension host, cheaper than a new
   * server) or a server on a fresh port, on the spec's one user-data folder.
   */
  async function openWindow(gone: ReadonlySet<number> = new Set()): Promise<{ server: CodeServer; workers: Worker[] }> {
    if (server && workbench) {
      await workbench.page.reload();
    } else {
      server = await startCodeServer({ workspaceFolder: workspace, extensionsDir, userDataDir, trust: true, marker });
      workbench = await openWorkbench({ server });
    }
    await waitForShepherd(workbench.page);
    return { server, workers: await workersOfNewHost(gone) };
  }

  async function closeWindow(): Promise<void> {
    await workbench?.close();
    await server?.stop();
    workbench = undefined;
    server = undefined;
  }

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-hard-death-'));
    workspace = path.join(tmp, 'workspace');
    userDataDir = path.join(tmp, 'user-data');
    extensionsDir = path.join(tmp, 'extensions');
    makeWorkspace(workspace);
    await prepareExtensionsDir(extensionsDir, extensionSourceFrom(), { withRunner: false });
  });

  after(async () => {
    await closeWindow();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('SIGKILL of the extension host right after its workers start: 0 survivors within grace + 1 s', async () => {
    const { workers } = await openWindow();
    const hostPid = workers[0].hostPid;
    const killedAt = Date.now();
    process.kill(hostPid, 'SIGKILL');
    await poll(
      'the workers of the killed host to end',
      () => (markedWorkers(marker).some((w) => w.hostPid === hostPid) ? undefined : true),
      BOUND_MS + 10_000,
      20,
    );
    const tookMs = Date.now() - killedAt;
    assert.ok(tookMs <= BOUND_MS, `the workers outlived their host by ${tookMs} ms (bound ${BOUND_MS} ms)`);
    process.stdout.write(`      (9 processes gone ${tookMs} ms after SIGKILL of the extension host)\n`);
  });

  it("SIGTERM to code-server's process group, restarted on another port: 0 survivors, and the new window says so", async () => {
    const first = await openWindow(new Set(markedWorkers(marker).map((w) => w.hostPid)));
    const hostPid = first.workers[0].hostPid;
    const oldPort = first.server.port;
    const killedAt = Date.now();
    process.kill(-first.server.pid, 'SIGTERM');
    await poll(
      'the workers to end',
      () => (markedWorkers(marker).some((w) => w.hostPid === hostPid) ? undefined : true),
      BOUND_MS + 10_000,
      20,
    );
    const tookMs = Date.now() - killedAt;
    assert.ok(tookMs <= BOUND_MS, `the workers outlived the server by ${tookMs} ms (bound ${BOUND_MS} ms)`);
    process.stdout.write(`      (9 processes gone ${tookMs} ms after SIGTERM to code-server's group)\n`);
    // The sentinel writes its log, then exits; only then is the old server torn down for good.
    await poll(
      'the sentinel to exit',
      () => (scanMarked(marker, RUN_MARKER_VAR).some((p) => /sentinel\.js/.test(p.command)) ? undefined : true),
      10_000,
    );
    await closeWindow();

    const second = await openWindow(new Set([hostPid]));
    assert.notEqual(second.server.port, oldPort);
    const notice = (workbench as Workbench).page
      .locator('.notification-toast')
      .filter({ hasText: `its sentinel stopped ${WORKERS} workers` });
    await notice.first().waitFor({ state: 'visible', timeout: 30_000 });
    await notice.getByRole('button', { name: 'Show Activity Log' }).first().waitFor({ state: 'visible' });
  });
});
