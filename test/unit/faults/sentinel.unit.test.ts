import * as assert from 'node:assert/strict';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ActivityLog } from '../../../src/core/base/activityLog';
import { readProcStat } from '../../../src/core/process/procfs';
import { reapMarked } from '../../../src/core/recovery/markScan';
import { parseOwnerMark } from '../../../src/core/recovery/ownerMark';
import { recoverPreviousWindows } from '../../../src/core/recovery/previousWindows';
import { readJournals } from '../../../src/core/recovery/spawnJournal';
import { faultReport, FaultScenario, useFaultScenario } from '../../helpers/faultHarness';
import { findMarked, fixture, MARKER_VAR, scanMarked, waitFor } from '../../helpers/processes';

/** Short, so the scenarios stay quick; the workers ignore SIGTERM, so every stop takes all of it. */
const GRACE_MS = 500;
/** The issue's bound: the sentinel stops everything within the workers' grace plus one second. */
const BOUND_MS = GRACE_MS + 1_000;
/** Three trees of three processes each. */
const WORKER_PROCESSES = 9;

interface HostReport {
  readonly host: number;
  readonly sentinel: number;
  readonly workers: Record<string, number>;
}

interface RunningHost {
  readonly child: ChildProcessWithoutNullStreams;
  readonly report: HostReport;
  /** The activity entries the host printed so far. */
  readonly activity: string[];
}

async function startHost(h: FaultScenario, statusDir: string, flags: string[] = []): Promise<RunningHost> {
  const child = spawn(process.execPath, [fixture('faults/sentinel-host.js'), statusDir, String(GRACE_MS), ...flags], {
    env: { ...process.env, [MARKER_VAR]: h.marker },
    // Its own process group, as an extension host under code-server is in the server's group.
    detached: true,
  });
  h.defer(() => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const activity: string[] = [];
  let report: HostReport | undefined;
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    for (let at = pending.indexOf('\n'); at >= 0; at = pending.indexOf('\n')) {
      const line = JSON.parse(pending.slice(0, at)) as HostReport | { activity: string };
      pending = pending.slice(at + 1);
      if ('activity' in line) {
        activity.push(line.activity);
      } else {
        report = line;
      }
    }
  });
  await waitFor(`the host's report (stderr: ${stderr})`, () => report, 15_000);
  return { child, report: report as HostReport, activity };
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Waits until nothing carrying the scenario's marker (but `except`) runs; resolves with how long it took. */
async function untilNoneLeft(h: FaultScenario, since: number, except: number[] = []): Promise<number> {
  await waitFor(
    'every marked process to end',
    async () => ((await findMarked(h.marker)).every((pid) => except.includes(pid)) ? true : undefined),
    BOUND_MS + 5_000,
  );
  return Date.now() - since;
}

async function sentinelLogOf(statusDir: string): Promise<Array<Record<string, unknown>>> {
  const dir = path.join(statusDir, 'sentinel');
  const lines: Array<Record<string, unknown>> = [];
  for (const name of await fs.readdir(dir)) {
    for (const line of (await fs.readFile(path.join(dir, name), 'utf8')).split('\n').filter(Boolean)) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  }
  return lines;
}

function newActivity(): ActivityLog {
  return new ActivityLog(() => undefined);
}

describe('fault injection: the extension host dies hard, and its sentinel stops its workers', function () {
  this.timeout(40_000);
  const h = useFaultScenario();
  const statusDir = (): string => path.dirname(h.statusPath);

  it('14a. host SIGKILLed 100 ms after start() resolved: the sentinel stops all 9 processes within grace + 1 s', async () => {
    const { child } = await startHost(h, statusDir());
    await waitFor('the workers', async () =>
      (await findMarked(h.marker)).length >= WORKER_PROCESSES + 2 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await exited(child);
    const tookMs = await untilNoneLeft(h, killedAt);
    assert.ok(tookMs <= BOUND_MS, `the sentinel took ${tookMs} ms (bound ${BOUND_MS} ms)`);
    faultReport.notes.push(`sentinel after SIGKILL of its host: 9 processes (3 groups) gone in ${tookMs} ms`);
    const log = await sentinelLogOf(statusDir());
    assert.deepEqual(
      log.map((entry) => entry.outcome),
      ['terminated', 'terminated', 'terminated'],
    );
    // The next activation shows what the sentinel did, and finds nothing left to stop.
    const activity = newActivity();
    const summary = await recoverPreviousWindows({
      statusDir: statusDir(),
      host: { pid: process.pid, startToken: undefined },
      graceMs: GRACE_MS,
      logger: h.logger,
      activity,
    });
    assert.deepEqual(summary, { stopped: 0, stoppedBySentinel: 3 });
    assert.equal(activity.list().filter((e) => /its sentinel stopped it/.test(e.message)).length, 3);
    h.faults(1);
  });

  it("14b. SIGTERM to the host's whole process group (Ctrl+C on the editor): 0 survivors within grace + 1 s", async () => {
    const { child } = await startHost(h, statusDir());
    await waitFor('the workers', async () =>
      (await findMarked(h.marker)).length >= WORKER_PROCESSES + 2 ? true : undefined,
    );
    const killedAt = Date.now();
    process.kill(-(child.pid as number), 'SIGTERM');
    await exited(child);
    const tookMs = await untilNoneLeft(h, killedAt);
    assert.ok(tookMs <= BOUND_MS, `the sentinel took ${tookMs} ms (bound ${BOUND_MS} ms)`);
    faultReport.notes.push(`sentinel after SIGTERM to its host's group: 0 survivors after ${tookMs} ms`);
    h.faults(1);
  });

  it('14c. host and sentinel SIGKILLed together: the next activation, with another storage folder, stops the groups and a setsid escapee by their owner mark', async () => {
    const { child, report } = await startHost(h, statusDir(), ['--escapee']);
    // 9 + the escaper's sh-turned-sleep and its setsid child + host + sentinel. The escapee has left
    // the group only once setsid(1) has exec'd its sleep: until then it is still a group member.
    await waitFor('the workers, and the escapee out of its group', async () => {
      const marked = scanMarked(h.marker);
      const settled = marked.length >= WORKER_PROCESSES + 4 && !marked.some((p) => /setsid/.test(p.command));
      return settled ? true : undefined;
    });
    // Stopped first, the host cannot see its sentinel die and start another before its own SIGKILL (seen in
    // CI: a gap of a few ms between the two kills let a new sentinel stop a group before the recovery did).
    child.kill('SIGSTOP');
    process.kill(report.sentinel, 'SIGKILL');
    child.kill('SIGKILL');
    await exited(child);
    // Written at spawn: the journal names all four groups although no status file was ever written.
    const journals = await readJournals(statusDir(), { pid: process.pid, startToken: undefined });
    assert.equal(journals.length, 1);
    assert.equal(journals[0].contents.workers.length, 4);
    // Nothing stopped them: every worker process outlives host and sentinel.
    await waitFor('host and sentinel to die', async () =>
      (await findMarked(h.marker)).length === WORKER_PROCESSES + 2 ? true : undefined,
    );

    const activity = newActivity();
    const otherDir = path.join(h.tempDir, 'another-storage');
    const summary = await recoverPreviousWindows({
      statusDir: otherDir,
      host: { pid: process.pid, startToken: undefined },
      graceMs: GRACE_MS,
      logger: h.logger,
      activity,
    });
    const entries = activity.list();
    // On failure, the message says which target was not stopped, and how.
    assert.deepEqual(
      summary,
      { stopped: 5, stoppedBySentinel: 0 },
      `recovery said: ${JSON.stringify(entries.map((e) => `${e.kind}: ${e.message}`))}; ` +
        `logged: ${JSON.stringify(h.logger.lines)}; left: ${JSON.stringify(scanMarked(h.marker))}`,
    );
    assert.deepEqual(await findMarked(h.marker), []);
    assert.equal(entries.filter((e) => e.kind === 'orphan-killed' && /owner mark/.test(e.message)).length, 4);
    assert.ok(
      entries.some((e) => e.kind === 'escaped' && /left its worker's group with setsid\(\)/.test(e.message)),
      JSON.stringify(entries),
    );
    h.faults(2);
  });

  it('14d. a recorded PID reused by a stranger (another start time) is signalled by neither the sentinel nor the scan', async () => {
    const stranger = spawn('sleep', ['1000'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [MARKER_VAR]: h.marker },
    });
    await new Promise((resolve) => stranger.once('spawn', resolve));
    stranger.unref();
    const strangerPid = stranger.pid as number;
    const { child } = await startHost(h, statusDir(), ['--stranger', String(strangerPid)]);
    child.kill('SIGKILL');
    await exited(child);
    await untilNoneLeft(h, Date.now(), [strangerPid]);
    assert.deepEqual(await findMarked(h.marker), [strangerPid], 'the stranger still runs');
    const outcomes = (await sentinelLogOf(statusDir())).map((e) => `${e.workerId}:${e.outcome}`).sort();
    assert.deepEqual(outcomes, [
      'reused:pid-reused',
      'stubborn-1:terminated',
      'stubborn-2:terminated',
      'stubborn-3:terminated',
    ]);

    const stat = await readProcStat(strangerPid);
    assert.ok(stat);
    const owner = parseOwnerMark('1/ticks:1');
    assert.ok(owner);
    const reports = await reapMarked(
      [{ pid: strangerPid, comm: 'sleep', ppid: 1, pgrp: strangerPid, session: strangerPid, startTimeTicks: 1, owner }],
      GRACE_MS,
    );
    assert.deepEqual(
      reports.map((r) => r.outcome),
      ['pid-reused'],
    );
    assert.deepEqual(await findMarked(h.marker), [strangerPid], 'the scan left the stranger alone too');
    process.kill(strangerPid, 'SIGKILL');
    // SIGKILL is delivered, not yet done: the scenario's leak check must not see it still dying.
    await waitFor('the stranger gone', async () => ((await findMarked(h.marker)).length === 0 ? true : undefined));
    h.faults(2);
  });

  it('14e. a sentinel that crashes is restarted by its host, and the new one still stops every group', async () => {
    const running = await startHost(h, statusDir());
    await waitFor('the workers', async () =>
      (await findMarked(h.marker)).length >= WORKER_PROCESSES + 2 ? true : undefined,
    );
    process.kill(running.report.sentinel, 'SIGKILL');
    const restarted = await waitFor('the restart report', () =>
      running.activity.find((line) =>
        /^The sentinel \(pid \d+\) was killed by SIGKILL; restarted as pid \d+/.test(line),
      ),
    );
    assert.ok(restarted);
    // A new Node takes a moment to start (seconds on a loaded CI box); the bound is for a running sentinel.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    running.child.kill('SIGKILL');
    await exited(running.child);
    const killedAt = Date.now();
    const tookMs = await untilNoneLeft(h, killedAt);
    assert.ok(tookMs <= BOUND_MS, `the new sentinel took ${tookMs} ms (bound ${BOUND_MS} ms)`);
    h.faults(2);
  });
});
