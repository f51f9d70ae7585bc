import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkStatusContents, StatusFile } from '../../../src/core/recovery/statusFile';
import { faultReport, useFaultScenario } from '../../helpers/faultHarness';
import { findMarked, MARKER_VAR, waitFor } from '../../helpers/processes';
import { definition } from '../../helpers/supervisorFixture';

/** PIDs above the kernel's hard maximum (2^22) can never exist. */
const IMPOSSIBLE_PID = 4_194_305;

describe('fault injection: the status file', function () {
  this.timeout(30_000);
  const h = useFaultScenario();

  async function recoverFrom(content: string | Buffer): Promise<{ reports: number; warnings: string[] }> {
    await fs.mkdir(path.dirname(h.statusPath), { recursive: true });
    await fs.writeFile(h.statusPath, content);
    const supervisor = h.extraSupervisor({ statusFilePath: h.statusPath });
    const reports = await supervisor.recoverOrphans(200);
    const warnings = h
      .activityOf(supervisor)
      .list()
      .filter((e) => e.kind === 'warning')
      .map((e) => e.message);
    assert.ok(await supervisor.writeStatusNow(), 'the file is rewritten');
    assert.equal((await new StatusFile(h.statusPath).read()).kind, 'ok');
    return { reports: reports.length, warnings };
  }

  it('14a. corrupt, truncated, empty, binary or wrongly shaped files are reported clearly, never crash recovery, and are rewritten', async () => {
    const bad: Array<[string, string | Buffer, RegExp]> = [
      ['empty', '', /not valid JSON/],
      ['truncated', '{"version":1,"writtenAt":1,"host":{"pid":1},"workers":[{"id":"a","pid":12', /not valid JSON/],
      ['binary', Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x80, 0x0a]), /not valid JSON/],
      ['null', 'null', /does not hold a JSON object/],
      ['a list', '[]', /does not hold a JSON object|unknown version/],
      ['a string', '"status"', /does not hold a JSON object/],
      ['a future version', '{"version":2,"workers":[]}', /unknown version 2/],
      ['no host', '{"version":1,"workers":[]}', /"host"/],
      ['a host without a pid', '{"version":1,"host":{"pid":"me"},"workers":[]}', /"host"/],
      ['workers not a list', '{"version":1,"host":{"pid":5},"workers":{}}', /"workers" is not a list/],
      ['a fractional pid', '{"version":1,"host":{"pid":5},"workers":[{"id":"a","pid":1.5,"pgid":1.5}]}', /invalid pid/],
      ['a worker without id', '{"version":1,"host":{"pid":5},"workers":[{"pid":12,"pgid":12}]}', /id is not a string/],
    ];
    for (const [what, content, reason] of bad) {
      const { reports, warnings } = await recoverFrom(content);
      assert.equal(reports, 0, what);
      assert.equal(warnings.length, 1, `${what}: one warning`);
      assert.match(warnings[0], /The status file .* is unreadable \(.*\); it will be rewritten/, what);
      assert.match(warnings[0], reason, what);
      assert.ok(
        h.logger.lines.some((l) => l.startsWith('warn') && reason.test(l)),
        `${what}: logged`,
      );
    }
    h.badInputs(bad.length);
    h.faults(bad.length);
  });

  it('14b. a record whose pgid is not its own pid (which Shepherd never writes) is refused, and that group is left alone', async () => {
    // A live group that a forged or corrupted file points at, next to a leader PID that is long gone.
    const bystander = spawn('sleep', ['1000'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [MARKER_VAR]: h.marker },
    });
    await new Promise((resolve) => bystander.once('spawn', resolve));
    bystander.unref();
    const forged = {
      version: 1,
      writtenAt: Date.now(),
      host: { pid: IMPOSSIBLE_PID, startToken: 'ticks:1' },
      workers: [
        {
          id: 'forged',
          label: 'forged',
          state: 'running',
          command: 'x',
          pid: IMPOSSIBLE_PID,
          pgid: bystander.pid,
          startToken: 'ticks:1',
          startedAt: 1,
          restartCount: 0,
        },
      ],
    };
    const { warnings } = await recoverFrom(JSON.stringify(forged));
    assert.deepEqual(await findMarked(h.marker), [bystander.pid], 'the bystander group survived');
    assert.match(warnings[0] ?? '', /pgid/);
    process.kill(bystander.pid as number, 'SIGKILL');
    // Group 1 would make kill(-1) signal every process the user may signal: refused by the check itself.
    for (const worker of [
      { id: 'everyone', pid: IMPOSSIBLE_PID, pgid: 1 },
      { id: 'init', pid: 1, pgid: 1 },
      { id: 'zero', pid: 0, pgid: 0 },
      { id: 'negative', pid: -5, pgid: -5 },
    ]) {
      const checked = checkStatusContents({ version: 1, host: { pid: 5 }, workers: [worker] });
      assert.ok('reason' in checked, `${worker.id} was accepted`);
    }
    h.badInputs(5);
    h.faults(1);
  });

  it('14c. a status path that is a directory, and a file of 10,000 bogus records, neither crash nor stall recovery', async () => {
    await fs.mkdir(h.statusPath, { recursive: true });
    const onDir = h.extraSupervisor({ statusFilePath: h.statusPath });
    assert.deepEqual(await onDir.recoverOrphans(200), []);
    assert.ok(
      h.logger.lines.some((l) => l.includes('cannot be read') && l.includes('EISDIR')),
      h.logger.lines.join('\n'),
    );
    assert.equal(await onDir.writeStatusNow(), false);
    await fs.rm(h.statusPath, { recursive: true });

    const workers = Array.from({ length: 10_000 }, (_, i) => ({
      id: `bogus-${i}`,
      label: `bogus ${i}`,
      state: 'running',
      command: 'x',
      pid: IMPOSSIBLE_PID + i,
      pgid: IMPOSSIBLE_PID + i,
      startToken: 'ticks:1',
      startedAt: 1,
      restartCount: 0,
    }));
    await fs.writeFile(
      h.statusPath,
      JSON.stringify({ version: 1, writtenAt: 1, host: { pid: IMPOSSIBLE_PID, startToken: 'ticks:1' }, workers }),
    );
    const big = h.extraSupervisor({ statusFilePath: h.statusPath });
    const started = Date.now();
    const reports = await big.recoverOrphans(200);
    assert.equal(reports.filter((r) => r.outcome !== 'gone').length, 0);
    assert.ok(Date.now() - started < 10_000, `recovery took ${Date.now() - started} ms`);
    await h.assertResponsive('after recovering from 10,000 records');
    h.badInputs(2);
    h.faults(2);
  });

  it('15. a read-only folder for the status file: one clear message, supervision goes on, and recovery is noticed', async function () {
    const dir = path.join(h.tempDir, 'ro');
    await fs.mkdir(dir);
    const file = path.join(dir, 'status.json');
    let how: string;
    let makeWritable: () => Promise<void>;
    if (process.getuid?.() !== 0) {
      await fs.chmod(dir, 0o500);
      how = 'a 0500 folder';
      makeWritable = () => fs.chmod(dir, 0o700);
    } else {
      // root ignores permissions; a read-only mount stops everyone. Without the capability to mount,
      // a path under a regular file is the nearest refusal root still gets.
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir], { stdio: 'pipe' });
        h.defer(() => {
          execFileSync('umount', [dir], { stdio: 'pipe' });
        });
        how = 'a read-only mount (EROFS)';
        makeWritable = async () => {
          execFileSync('mount', ['-o', 'remount,rw', dir], { stdio: 'pipe' });
        };
      } catch (error) {
        await fs.rmdir(dir);
        await fs.writeFile(dir, '');
        how = `a path under a regular file (ENOTDIR; mount failed: ${String(error).split('\n')[0]})`;
        makeWritable = async () => {
          await fs.rm(dir);
          await fs.mkdir(dir);
        };
      }
    }
    faultReport.notes.push(`read-only status folder simulated with ${how}`);
    const supervisor = h.extraSupervisor({ statusFilePath: file, statusFileIntervalMs: 100 });
    supervisor.upsert(definition('survivor', 'sleep', ['1000']));
    supervisor.upsert(definition('latecomer', 'sleep', ['1000']));
    assert.equal((await supervisor.start('survivor')).state, 'running');
    await waitFor('the complaint', () =>
      h.logger.lines.some((l) => l.includes('Cannot write the status file')) ? true : undefined,
    );
    // Several ticks later: still one complaint, and supervision works as before.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await supervisor.start('latecomer')).state, 'running');
    assert.equal((await supervisor.stop('survivor'))?.outcome, 'exited');
    const complaints = h.logger.lines.filter((l) => l.includes('Cannot write the status file'));
    assert.equal(complaints.length, 1, complaints.join('\n'));
    assert.match(
      complaints[0],
      /Supervision goes on, but after a crash of the editor its workers cannot be found and stopped/,
    );
    assert.equal(
      h
        .activityOf(supervisor)
        .list()
        .filter((e) => e.kind === 'warning').length,
      1,
    );
    await makeWritable();
    await waitFor('the file to be written', async () =>
      (await new StatusFile(file).read()).kind === 'ok' ? true : undefined,
    );
    assert.ok(h.logger.lines.some((l) => l.includes('is writable again')));
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    await supervisor.stop('latecomer');
    h.faults(1);
  });
});
