import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ActivityLog } from '../../../../src/core/base/activityLog';
import { GroupMetricsSampler } from '../../../../src/core/process/groupMetrics';
import { terminateGroup } from '../../../../src/core/process/processGroup';
import { readProcStat } from '../../../../src/core/process/procfs';
import { RemnantReporter } from '../../../../src/core/process/remnants';
import { findMarked, killLeftRunning, killMarked, MARKER_VAR, newMarker, waitFor } from '../../../helpers/processes';
import { RecordingLogger } from '../../../helpers/supervisorFixture';

describe('RemnantReporter', () => {
  let marker: string;
  let logger: RecordingLogger;
  let activity: ActivityLog;
  let reporter: RemnantReporter;
  const owner = { id: 'api', label: 'API' };

  beforeEach(() => {
    marker = newMarker();
    logger = new RecordingLogger();
    activity = new ActivityLog((error) => assert.fail(`an activity listener threw: ${String(error)}`));
    const sampler = new GroupMetricsSampler();
    reporter = new RemnantReporter({ logger, activity, seenBefore: (pgid) => sampler.membersAtLastSample(pgid) });
  });

  afterEach(async () => {
    const leaked = await killMarked(marker);
    assert.deepEqual(leaked, [], 'processes outlived the test');
  });

  /** A shell leading its own group that runs `script`; resolves with its pid and the first line it prints. */
  async function group(script: string): Promise<{ pgid: number; firstLine: string; exited: Promise<void> }> {
    const child = spawn('sh', ['-c', script], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, [MARKER_VAR]: marker },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const firstLine = await new Promise<string>((resolve) =>
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().split('\n')[0])),
    );
    child.stdout.resume();
    return { pgid: child.pid as number, firstLine, exited };
  }

  function entries(kind: string): string[] {
    return activity
      .list()
      .filter((entry) => entry.kind === kind && entry.workerId === 'api')
      .map((entry) => entry.message);
  }

  it('terminates what a dead leader left in its group and says so', async () => {
    const { pgid, exited } = await group('sleep 1000 & echo started; exit 0');
    await exited;
    assert.equal((await findMarked(marker)).length, 1, 'the sleep lives on in the group');
    await reporter.cleanUp(owner, pgid, 200);
    assert.deepEqual(await findMarked(marker), []);
    assert.equal(entries('orphan-killed').length, 1);
    assert.match(
      entries('orphan-killed')[0],
      /^API: the leader exited but its group lived on; exited on SIGTERM in [\d,]+ ms$/,
    );
  });

  it('says nothing when the group ended with its leader', async () => {
    const { pgid, exited } = await group('echo done');
    await exited;
    await reporter.cleanUp(owner, pgid, 200);
    assert.deepEqual(activity.list(), []);
  });

  it('reports a process of the family that left the group and outlived its stop, and leaves it running', async () => {
    const { pgid, firstLine } = await group('setsid sleep 1000 & echo "$!"; sleep 1000');
    const escapee = Number(firstLine);
    await waitFor('the escapee in its own session', async () => {
      const stat = await readProcStat(escapee);
      return stat && stat.pgrp === escapee ? true : undefined;
    });
    const family = await reporter.familyOf(owner, pgid);
    assert.ok(
      family.some((member) => member.pid === escapee),
      'found through its parent',
    );
    await terminateGroup(pgid, { graceMs: 200 });
    await reporter.reportEscapees(owner, pgid, family);
    assert.deepEqual(await findMarked(marker), [escapee]);
    assert.equal(entries('escaped').length, 1);
    assert.match(
      entries('escaped')[0],
      new RegExp(`^API: pid ${escapee} \\(sleep\\) left the group with setsid\\(\\)`),
    );
    assert.ok(logger.lines.some((line) => line.startsWith(`warn [worker:api] API: pid ${escapee}`)));
    await killLeftRunning(escapee, marker);
  });
});
