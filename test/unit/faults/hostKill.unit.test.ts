import * as assert from 'node:assert/strict';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { readProcStat } from '../../../src/core/process/procfs';
import { StatusContents, StatusFile, StatusWorker } from '../../../src/core/recovery/statusFile';
import { FaultScenario, useFaultScenario } from '../../helpers/faultHarness';
import { findMarked, fixture, MARKER_VAR, waitFor } from '../../helpers/processes';

interface HostInfo {
  readonly host: number;
  readonly workers: Record<string, number>;
}

/** The three workers host.js starts: stubborn (3 processes), tree (3), secretive (1). */
const WORKER_PROCESSES = 7;
const SECRETS = ['sk-host-env-secret-0002', 'sk-host-arg-secret-0001'];

/**
 * Starts host.js (a Supervisor from out/src/core) and waits for its report. With `nonReapingParent`,
 * the host runs under a process that never reaps it, as under a container's PID 1 without an init:
 * once killed, it stays a zombie.
 */
async function startHost(
  h: FaultScenario,
  nonReapingParent: boolean,
): Promise<{ child: ChildProcessWithoutNullStreams; info: HostInfo }> {
  const env = { ...process.env, [MARKER_VAR]: h.marker };
  const host = fixture('faults/host.js');
  const child = nonReapingParent
    ? spawn('sh', ['-c', '"$0" "$1" "$2" & exec sleep 1000', process.execPath, host, h.statusPath], { env })
    : spawn(process.execPath, [host, h.statusPath], { env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const line = await waitFor(
    `the host's report (stderr: ${stderr})`,
    () => (stdout.includes('\n') ? stdout.slice(0, stdout.indexOf('\n')) : undefined),
    15_000,
  );
  return { child, info: JSON.parse(line) as HostInfo };
}

async function readStatus(file: string): Promise<StatusContents> {
  const read = await new StatusFile(file).read();
  assert.equal(read.kind, 'ok', JSON.stringify(read));
  return (read as { contents: StatusContents }).contents;
}

describe('fault injection: the extension host killed with SIGKILL', function () {
  this.timeout(40_000);
  const h = useFaultScenario();

  async function killHost(child: ChildProcessWithoutNullStreams): Promise<void> {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }

  it('13a. a new supervisor finds the orphans from the status file, stops them, and leaves a reused PID alone', async () => {
    const { child, info } = await startHost(h, false);
    await waitFor('the workers and the host', async () =>
      (await findMarked(h.marker)).length === WORKER_PROCESSES + 1 ? true : undefined,
    );
    // What the host left on disk: 0600, pgids and start tokens, and no secret in any form.
    assert.equal((await fs.stat(h.statusPath)).mode & 0o777, 0o600);
    const text = await fs.readFile(h.statusPath, 'utf8');
    for (const secret of SECRETS) {
      assert.ok(!text.includes(secret), `the status file holds ${secret}`);
    }
    assert.match(text, /--api-key •••/);

    assert.equal(child.pid, info.host);
    await killHost(child);
    const orphans = await findMarked(h.marker);
    assert.equal(orphans.length, WORKER_PROCESSES, 'the workers outlived their host');

    // A live, unrelated process now holds a PID the file records, with another start time.
    const stranger = spawn('sleep', ['1000'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [MARKER_VAR]: h.marker },
    });
    await new Promise((resolve) => stranger.once('spawn', resolve));
    stranger.unref();
    const contents = await readStatus(h.statusPath);
    const reused: StatusWorker = {
      ...contents.workers[0],
      id: 'reused',
      label: 'reused',
      pid: stranger.pid,
      pgid: stranger.pid,
      startToken: 'ticks:1',
    };
    await new StatusFile(h.statusPath).write({ ...contents, workers: [...contents.workers, reused] });

    const recovering = h.extraSupervisor({ statusFilePath: h.statusPath });
    const reports = await recovering.recoverOrphans(300);
    const outcomes = Object.fromEntries(reports.map((r) => [r.workerId, r.outcome]));
    assert.deepEqual(outcomes, {
      stubborn: 'terminated',
      tree: 'terminated',
      secretive: 'terminated',
      reused: 'pid-reused',
    });
    assert.deepEqual(await findMarked(h.marker), [stranger.pid], 'only the stranger is left');
    const log = h.activityOf(recovering).list();
    assert.equal(
      log.filter((e) => e.kind === 'orphan-killed' && /from a previous session was still running/.test(e.message))
        .length,
      3,
    );
    assert.ok(
      log.some(
        (e) =>
          e.kind === 'orphan-skipped' &&
          e.workerId === 'reused' &&
          /its PID now belongs to another process; left alone/.test(e.message),
      ),
    );
    // The file is rewritten for this run: the orphans are no longer in it.
    assert.ok(await recovering.writeStatusNow());
    assert.deepEqual((await readStatus(h.statusPath)).workers, []);
    process.kill(stranger.pid as number, 'SIGKILL');
    h.faults(2);
    h.badInputs(1);
  });

  it('13b. a killed host that nothing reaps (a zombie) counts as dead, so its orphans are still recovered', async () => {
    const { child, info } = await startHost(h, true);
    await waitFor('the workers and the host', async () =>
      (await findMarked(h.marker)).length === WORKER_PROCESSES + 2 ? true : undefined,
    );
    process.kill(info.host, 'SIGKILL');
    await waitFor('the host to become a zombie', async () =>
      (await readProcStat(info.host))?.state === 'Z' ? true : undefined,
    );
    const recovering = h.extraSupervisor({ statusFilePath: h.statusPath });
    const reports = await recovering.recoverOrphans(300);
    assert.deepEqual(
      reports.map((r) => r.outcome),
      ['terminated', 'terminated', 'terminated'],
      'a zombie host was taken for a live window, and its orphans were left running',
    );
    assert.deepEqual(await findMarked(h.marker), [child.pid], 'only the non-reaping parent is left');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    h.faults(1);
  });
});
