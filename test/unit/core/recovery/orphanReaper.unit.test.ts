import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { reapOrphans } from '../../../../src/core/recovery/orphanReaper';
import { readStartToken } from '../../../../src/core/process/procfs';
import { StatusContents, StatusFile } from '../../../../src/core/recovery/statusFile';
import { Supervisor } from '../../../../src/core/workers/supervisor';
import { findMarked, fixture, killMarked, MARKER_VAR, newMarker, waitFor } from '../../../helpers/processes';
import { definition, RecordingLogger } from '../../../helpers/supervisorFixture';
import { createCoreServices } from '../../../../src/core/shepherdCore';

describe('orphan recovery and the status file', () => {
  let marker: string;
  let dir: string;

  beforeEach(async () => {
    marker = newMarker();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-status-'));
  });

  afterEach(async () => {
    const leaked = await killMarked(marker);
    await fs.chmod(dir, 0o700);
    await fs.rm(dir, { recursive: true, force: true });
    assert.deepEqual(leaked, [], 'processes outlived the test');
  });

  /** A stubborn group started outside any supervisor, as a dead extension host would leave it. */
  async function orphanGroup(): Promise<number> {
    const child = spawn('sh', [fixture('stubborn.sh')], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [MARKER_VAR]: marker },
    });
    await new Promise((resolve) => child.once('spawn', resolve));
    child.unref();
    await waitFor('the group', async () => ((await findMarked(marker)).length === 3 ? true : undefined));
    return child.pid as number;
  }

  /** The test's own cleanup of a group it deliberately left running. */
  async function endGroup(pgid: number): Promise<void> {
    process.kill(-pgid, 'SIGKILL');
    await waitFor('the group to end', async () => ((await findMarked(marker)).length === 0 ? true : undefined));
  }

  function contents(
    pid: number,
    startToken: string | undefined,
    host: StatusContents['host'] = { pid: 999_999_999, startToken: 'ticks:1' },
  ): StatusContents {
    return {
      version: 1,
      writtenAt: Date.now(),
      host,
      workers: [
        {
          id: 'api',
          label: 'api',
          state: 'running',
          command: 'sh stubborn.sh',
          pid,
          pgid: pid,
          startToken,
          startedAt: Date.now(),
          restartCount: 0,
        },
      ],
    };
  }

  it('terminates a recorded group that is verifiably the same process', async () => {
    const pid = await orphanGroup();
    const reports = await reapOrphans(contents(pid, await readStartToken(pid)), 200);
    assert.deepEqual(
      reports.map((r) => r.outcome),
      ['terminated'],
    );
    assert.deepEqual(await findMarked(marker), []);
  });

  it('refuses a PID whose start time differs, and leaves that process running', async () => {
    const pid = await orphanGroup();
    const reports = await reapOrphans(contents(pid, 'ticks:1'), 200);
    assert.deepEqual(
      reports.map((r) => r.outcome),
      ['pid-reused'],
    );
    assert.equal((await findMarked(marker)).length, 3);
    await endGroup(pid);
  });

  it('leaves alone the workers of a host that is still alive (another window)', async () => {
    const pid = await orphanGroup();
    const host = { pid: process.pid === 1 ? 2 : process.ppid, startToken: await readStartToken(process.ppid) };
    const reports = await reapOrphans(contents(pid, await readStartToken(pid), host), 200);
    assert.deepEqual(
      reports.map((r) => r.outcome),
      ['owner-alive'],
    );
    assert.equal((await findMarked(marker)).length, 3);
    await endGroup(pid);
  });

  it('finds orphans through the supervisor and records them in the activity log', async () => {
    const pid = await orphanGroup();
    const file = path.join(dir, 'status.json');
    await new StatusFile(file).write(contents(pid, await readStartToken(pid)));
    const logger = new RecordingLogger();
    const services = createCoreServices(logger);
    const supervisor = new Supervisor({ logger, ...services, statusFilePath: file });
    try {
      const reports = await supervisor.recoverOrphans(200);
      assert.deepEqual(
        reports.map((r) => r.outcome),
        ['terminated'],
      );
      assert.ok(services.activity.list().some((e) => e.kind === 'orphan-killed' && e.message.includes('group')));
      assert.deepEqual(await findMarked(marker), []);
    } finally {
      await supervisor.shutdown(200);
    }
  });

  it('reports a corrupt or truncated status file clearly and rewrites it', async () => {
    const file = path.join(dir, 'status.json');
    await fs.writeFile(file, '{"version":1,"workers":[{"id":"a","pid":12');
    const logger = new RecordingLogger();
    const supervisor = new Supervisor({ logger, ...createCoreServices(logger), statusFilePath: file });
    try {
      assert.deepEqual(await supervisor.recoverOrphans(200), []);
      assert.ok(logger.lines.some((l) => l.includes('is unreadable (it is not valid JSON')));
      assert.ok(await supervisor.writeStatusNow());
      const reread = await new StatusFile(file).read();
      assert.equal(reread.kind, 'ok');
    } finally {
      await supervisor.shutdown(200);
    }
  });

  it('keeps supervising when the disk refuses the status file, and says so once', async function () {
    if (process.getuid?.() === 0) {
      // root ignores directory permissions; a path under a regular file fails for everyone instead.
      await fs.writeFile(path.join(dir, 'blocker'), '');
    }
    const file =
      process.getuid?.() === 0 ? path.join(dir, 'blocker', 'status.json') : path.join(dir, 'ro', 'status.json');
    await fs.mkdir(path.join(dir, 'ro'), { mode: 0o500 });
    const logger = new RecordingLogger();
    const supervisor = new Supervisor({
      logger,
      ...createCoreServices(logger),
      statusFilePath: file,
      extraEnv: { [MARKER_VAR]: marker },
    });
    try {
      supervisor.upsert(definition('survivor', 'sleep', ['1000']));
      assert.equal((await supervisor.start('survivor')).state, 'running');
      assert.equal(await supervisor.writeStatusNow(), false);
      assert.equal(await supervisor.writeStatusNow(), false);
      const complaints = logger.lines.filter((l) => l.includes('Cannot write the status file'));
      assert.equal(complaints.length, 1);
      assert.match(complaints[0], /Supervision goes on/);
      assert.equal(supervisor.get('survivor')?.state, 'running');
    } finally {
      await supervisor.shutdown(200);
    }
  });
});
