import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActivityLog } from '../../../../src/core/base/activityLog';
import { readStartToken } from '../../../../src/core/process/procfs';
import { StatusContents, StatusWorker } from '../../../../src/core/recovery/statusFile';
import { StatusKeeper } from '../../../../src/core/recovery/statusKeeper';
import { findMarked, killMarked, MARKER_VAR, newMarker, waitFor } from '../../../helpers/processes';
import { RecordingLogger } from '../../../helpers/supervisorFixture';

describe('StatusKeeper', () => {
  let dir: string;
  let file: string;
  let marker: string;
  let logger: RecordingLogger;
  let activity: ActivityLog;
  let workers: StatusWorker[];

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-keeper-'));
    file = path.join(dir, 'state', 'status.json');
    marker = newMarker();
    logger = new RecordingLogger();
    activity = new ActivityLog((error) => assert.fail(`an activity listener threw: ${String(error)}`));
    workers = [];
  });

  afterEach(async () => {
    const leaked = await killMarked(marker);
    await fs.rm(dir, { recursive: true, force: true });
    assert.deepEqual(leaked, [], 'processes outlived the test');
  });

  function keeper(intervalMs = 1_000): StatusKeeper {
    return new StatusKeeper({ logger, activity, filePath: file, intervalMs, workers: () => workers });
  }

  async function written(): Promise<StatusContents | undefined> {
    try {
      return JSON.parse(await fs.readFile(file, 'utf8')) as StatusContents;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw error;
    }
  }

  function warnings(): string[] {
    return activity
      .list()
      .filter((entry) => entry.kind === 'warning')
      .map((entry) => entry.message);
  }

  it('writes when dirty and the interval has passed, and only then', async () => {
    const status = keeper();
    await status.maybeWrite(10_000);
    const first = await written();
    assert.equal(first?.host.pid, process.pid, 'dirty from the start: the first tick writes');
    assert.ok(first?.host.startToken, 'with the host start token');
    await fs.rm(file);

    await status.maybeWrite(20_000);
    assert.equal(await written(), undefined, 'nothing changed: nothing written');
    status.markDirty();
    await status.maybeWrite(10_500);
    assert.equal(await written(), undefined, 'changed, but within the interval');
    workers = [
      {
        id: 'api',
        label: 'API',
        state: 'running',
        command: 'x',
        pid: 42,
        pgid: 42,
        startToken: 't',
        startedAt: 1,
        restartCount: 0,
      },
    ];
    await status.maybeWrite(11_000);
    assert.deepEqual((await written())?.workers, workers);
  });

  it('writeNow ignores the interval; without a file it writes and recovers nothing', async () => {
    const status = keeper(60_000);
    await status.maybeWrite(Date.now());
    await fs.rm(file);
    assert.equal(await status.writeNow(), true, 'within the interval and with nothing changed');
    assert.ok(await written());
    const none = new StatusKeeper({ logger, activity, filePath: undefined, workers: () => workers });
    assert.equal(await none.writeNow(), false);
    none.writeSync();
    assert.deepEqual(await none.recoverOrphans(100), []);
  });

  it('writeNow writes even when the interval is longer than the clock has run (tick writes switched off)', async () => {
    const status = keeper(Number.MAX_SAFE_INTEGER);
    assert.equal(await status.writeNow(), true);
    assert.equal((await written())?.host.pid, process.pid);
  });

  it('writeNow reports a write that succeeded even when a worker changed while it was on its way to disk', async () => {
    // A worker starting or stopping while the snapshot is being written marks the file dirty again;
    // the write itself still succeeded, so a caller (the fault suite's host) must not read it as refused.
    const status: StatusKeeper = new StatusKeeper({
      logger,
      activity,
      filePath: file,
      intervalMs: 1_000,
      workers: () => {
        status.markDirty();
        return workers;
      },
    });
    assert.equal(await status.writeNow(), true);
    assert.ok(await written(), 'the file is on disk');
  });

  it('writes synchronously for exit paths', async () => {
    const status = keeper();
    workers = [
      {
        id: 'w',
        label: 'W',
        state: 'running',
        command: 'w',
        pid: 7,
        pgid: 7,
        startToken: 'ticks:7',
        startedAt: 2,
        restartCount: 3,
      },
    ];
    status.writeSync();
    assert.deepEqual((await written())?.workers, workers);
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
  });

  it('reports a disk that refuses once per distinct error, and says when it is writable again', async () => {
    // A regular file where the folder should be: every write fails with the same ENOTDIR.
    await fs.writeFile(path.join(dir, 'state'), 'not a folder');
    const status = keeper();
    assert.equal(await status.writeNow(), false);
    assert.equal(await status.writeNow(), false);
    status.writeSync();
    assert.equal(logger.lines.filter((line) => line.startsWith('error Cannot write the status file')).length, 1);
    assert.equal(warnings().length, 1);
    assert.match(warnings()[0], /after a crash of the editor its workers cannot be found/);

    await fs.rm(path.join(dir, 'state'));
    assert.equal(await status.writeNow(), true);
    assert.ok(logger.lines.includes(`info the status file ${file} is writable again`));
  });

  it('warns about a corrupt file and marks it to be rewritten; a missing one is no news', async () => {
    const status = keeper();
    assert.deepEqual(await status.recoverOrphans(100), []);
    assert.deepEqual(warnings(), []);
    await status.maybeWrite(10_000);
    await fs.writeFile(file, '{ not json');
    assert.deepEqual(await status.recoverOrphans(100), []);
    assert.match(
      warnings()[0],
      /is unreadable \(it is not valid JSON.*Orphans of the previous run, if any, cannot be found/,
    );
    await status.maybeWrite(20_000);
    assert.equal((await written())?.version, 1, 'rewritten on the next due write');
  });

  it("stops a dead host's group that is still running and records it in the activity log", async () => {
    const child = spawn('sleep', ['1000'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [MARKER_VAR]: marker },
    });
    await new Promise((resolve) => child.once('spawn', resolve));
    const pid = child.pid as number;
    const contents: StatusContents = {
      version: 1,
      writtenAt: Date.now(),
      // Without a start token the writing host cannot be verified alive: its groups are orphans.
      host: { pid: 999_999_999, startToken: undefined },
      workers: [
        {
          id: 'api',
          label: 'API',
          state: 'running',
          command: 'sleep 1000',
          pid,
          pgid: pid,
          startToken: await readStartToken(pid),
          startedAt: 1,
          restartCount: 0,
        },
      ],
    };
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(contents));
    const reports = await keeper().recoverOrphans(200);
    assert.deepEqual(
      reports.map((report) => report.outcome),
      ['terminated'],
    );
    const killed = activity.list().filter((entry) => entry.kind === 'orphan-killed');
    assert.equal(killed.length, 1);
    assert.equal(killed[0].workerId, 'api');
    assert.match(killed[0].message, new RegExp(`API \\(group ${pid}\\) from a previous session was still running`));
    await waitFor('the group to end', async () => ((await findMarked(marker)).length === 0 ? true : undefined));
  });
});
