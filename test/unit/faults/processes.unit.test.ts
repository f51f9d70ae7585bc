import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GroupMetricsSampler } from '../../../src/core/process/groupMetrics';
import { readProcStat } from '../../../src/core/process/procfs';
import { WorkerState } from '../../../src/core/workers/workerView';
import { entriesOf, faultReport, sleep, useFaultScenario } from '../../helpers/faultHarness';
import { findMarked, fixture, killLeftRunning, waitFor } from '../../helpers/processes';
import { definition } from '../../helpers/supervisorFixture';

const node = process.execPath;
const MB = 1024 * 1024;

describe('fault injection: processes', function () {
  this.timeout(30_000);
  const h = useFaultScenario();

  function waitForState(id: string, state: WorkerState, timeoutMs = 10_000): Promise<true> {
    return waitFor(`${id} to be ${state}`, () => (h.supervisor.get(id)?.state === state ? true : undefined), timeoutMs);
  }

  it('1. a crash loop that leaves a grandchild behind on every crash ends failed, with every remnant killed', async () => {
    const restarts = 4;
    h.supervisor.upsert(
      definition('crasher', 'sh', ['-c', 'sleep 1000 & echo "crashing $$"; exit 3'], {
        graceMs: 300,
        restart: {
          mode: 'on-failure',
          maxRestarts: restarts,
          windowMs: 60_000,
          backoffBaseMs: 10,
          backoffMaxMs: 40,
          minUptimeMs: 60_000,
        },
      }),
    );
    await h.supervisor.start('crasher');
    await waitForState('crasher', 'failed');
    // Every crash left a sleep in the group: each one is an orphan the supervisor had to kill.
    const killed = await h.waitForActivity('orphan-killed', 'crasher', restarts + 1);
    await waitFor('the remnants to die', async () => ((await findMarked(h.marker)).length === 0 ? true : undefined));
    const view = h.supervisor.get('crasher');
    assert.equal(view?.restartCount, restarts);
    assert.match(view?.message ?? '', new RegExp(`crash loop: ${restarts} restarts`));
    assert.equal(view?.lastLines.length, restarts + 1, 'the last words of every attempt are kept');
    assert.deepEqual(h.supervisor.restartBookkeeping(), { trackers: 0, scheduled: 0 });
    assert.equal(h.supervisor.registry.size, 0);
    const expected = { spawned: 1, restarted: restarts, crashed: restarts, failed: 1 };
    let lost = Math.max(0, restarts + 1 - killed.length);
    for (const [kind, count] of Object.entries(expected)) {
      const seen = entriesOf(h, kind as keyof typeof expected, 'crasher').length;
      lost += Math.max(0, count - seen);
      assert.equal(seen, count, `${kind} entries`);
    }
    h.lost(lost);
    h.faults(restarts + 1);
  });

  it('2. a tree that ignores SIGTERM three levels deep is killed whole after the grace period', async () => {
    h.supervisor.upsert(definition('deaf', node, [fixture('faults/ignore-term-tree.js'), '3'], { graceMs: 300 }));
    h.supervisor.upsert(definition('stubborn', 'sh', [fixture('stubborn.sh')], { graceMs: 300 }));
    await h.supervisor.start('deaf');
    await h.supervisor.start('stubborn');
    await waitFor('the tree', () =>
      h.supervisor.output('deaf').some((l) => l.text === 'tree ready') ? true : undefined,
    );
    await waitFor('all seven processes', async () => ((await findMarked(h.marker)).length === 7 ? true : undefined));
    const results = await h.supervisor.stopAll();
    assert.deepEqual(
      results.map((r) => r.outcome),
      ['killed', 'killed'],
    );
    assert.deepEqual(await findMarked(h.marker), []);
    const stopped = entriesOf(h, 'stopped');
    assert.equal(stopped.length, 2);
    for (const entry of stopped) {
      assert.match(entry.message, /killed with SIGKILL after [\d,]+ ms/);
    }
    h.faults(2);
  });

  describe('3. a grandchild that calls setsid to leave the group', () => {
    it('is found through its parent when the group is stopped, reported as escaped, and left to the user', async () => {
      // `setsid` in a non-interactive shell's background job: not a group leader, so it calls setsid()
      // itself and execs sleep. Its parent is the worker's shell, a group member.
      h.supervisor.upsert(
        definition('escaper', 'sh', ['-c', 'setsid sleep 1000 & echo "escapee $!"; sleep 1000 & wait'], {
          graceMs: 300,
        }),
      );
      await h.supervisor.start('escaper');
      const line = await waitFor('the escapee', () =>
        h.supervisor.output('escaper').find((l) => l.text.startsWith('escapee ')),
      );
      const escapee = Number(line.text.split(' ')[1]);
      await waitFor('the escapee in its own session', async () => {
        const stat = await readProcStat(escapee);
        return stat && stat.pgrp === escapee ? true : undefined;
      });
      await h.supervisor.stop('escaper');
      // What Shepherd can reach: the group. What it cannot: a process in another session.
      assert.deepEqual(await findMarked(h.marker), [escapee], 'only the escapee outlived the stop');
      const escaped = await h.waitForActivity('escaped', 'escaper');
      assert.match(escaped[0].message, new RegExp(`pid ${escapee}\\b.*left the group`));
      assert.ok(h.logger.lines.some((l) => l.startsWith('warn') && l.includes(`pid ${escapee}`)));
      await killLeftRunning(escapee, h.marker);
      h.faults(1);
    });

    it('is found through the metrics samples when its parent died before it left', async () => {
      const trigger = path.join(h.tempDir, 'escape-now');
      h.supervisor.upsert(definition('late', node, [fixture('faults/late-escape.js'), trigger], { graceMs: 300 }));
      const pgid = (await h.supervisor.start('late')).pgid as number;
      const line = await waitFor('the escaper', () =>
        h.supervisor.output('late').find((l) => l.text.startsWith('escaper ')),
      );
      const escapee = Number(line.text.split(' ')[1]);
      // White-box, to make the order certain: the sampler has seen the escaper in the group before it
      // leaves (it cannot leave before the trigger file exists).
      const sampler = (h.supervisor as unknown as { sampler: GroupMetricsSampler }).sampler;
      await waitFor('a sample with the escaper in the group', () =>
        sampler.membersAtLastSample(pgid).some((m) => m.pid === escapee) ? true : undefined,
      );
      await fs.writeFile(trigger, '');
      await waitFor('the escapee in its own session', async () => {
        const stat = await readProcStat(escapee);
        return stat && stat.pgrp === escapee ? true : undefined;
      });
      // A sample taken after it left no longer finds it in the group; it must still be remembered.
      const before = sampler.membersAtLastSample(pgid);
      await waitFor('a sample after the escape', () =>
        sampler.membersAtLastSample(pgid) !== before ? true : undefined,
      );
      await h.supervisor.stop('late');
      assert.deepEqual(await findMarked(h.marker), [escapee]);
      const escaped = await h.waitForActivity('escaped', 'late');
      assert.match(escaped[0].message, new RegExp(`pid ${escapee}\\b`));
      await killLeftRunning(escapee, h.marker);
      h.faults(1);
    });

    it('is out of reach when it double-forks and calls setsid at once (documented limit)', async () => {
      // The subshell exits at once, so the escapee's parent is gone before any sample could see it in
      // the group: no parent link, no membership, no marker Shepherd could look for.
      h.supervisor.upsert(
        definition('daemon', 'sh', ['-c', '(setsid sleep 1000 & echo "daemon $!"); sleep 1000'], { graceMs: 300 }),
      );
      await h.supervisor.start('daemon');
      const line = await waitFor('the daemon', () =>
        h.supervisor.output('daemon').find((l) => l.text.startsWith('daemon ')),
      );
      const daemon = Number(line.text.split(' ')[1]);
      await h.supervisor.stop('daemon');
      assert.deepEqual(await findMarked(h.marker), [daemon], 'the double-forked daemon outlives the stop');
      const detected = entriesOf(h, 'escaped', 'daemon').length > 0;
      faultReport.notes.push(
        `a double-forked setsid daemon (pid ${daemon}) outlived its group's stop, as documented; ` +
          `${detected ? 'it was nevertheless reported' : 'it was not reported (no link to the worker remained)'}`,
      );
      await killLeftRunning(daemon, h.marker);
    });
  });

  it('4. floods from three workers at once stay within their buffers, keep the loop responsive, and stop mid-flood', async function () {
    this.timeout(60_000);
    const capBytes = MB;
    const rssBefore = process.memoryUsage().rss;
    for (const id of ['f1', 'f2', 'f3']) {
      // An endless flood: the test decides when it ends, in the middle of it.
      h.supervisor.upsert(
        definition(id, node, [fixture('flood.js'), String(1e15), '200'], { outputBufferBytes: capBytes, graceMs: 300 }),
      );
      await h.supervisor.start(id);
    }
    let linesSeen = 0;
    h.supervisor.onDidOutput((batch) => (linesSeen += batch.lines.length));
    await waitFor('60 MB through the supervisor', () => (linesSeen * 200 > 60 * MB ? true : undefined), 45_000);
    const roundTrip = await h.assertResponsive('during a flood');
    const kept = ['f1', 'f2', 'f3'].map((id) =>
      h.supervisor.output(id).reduce((sum, l) => sum + Buffer.byteLength(l.text) + 1, 0),
    );
    for (const bytes of kept) {
      assert.ok(bytes <= capBytes, `kept ${bytes} bytes`);
    }
    const results = await h.supervisor.stopAll();
    assert.equal(results.length, 3);
    assert.deepEqual(await findMarked(h.marker), []);
    assert.equal(entriesOf(h, 'stopped').length, 3);
    const growthMb = (process.memoryUsage().rss - rssBefore) / MB;
    assert.ok(growthMb < 200, `RSS grew by ${growthMb.toFixed(0)} MB during the flood`);
    assert.ok(roundTrip < 250);
    h.faults(3);
  });

  it('5. a 10 MB line with no newline is cut into bounded pieces and the worker stays supervised', async () => {
    h.supervisor.upsert(definition('longline', node, [fixture('long-line.js'), String(10 * MB)], { graceMs: 300 }));
    await h.supervisor.start('longline');
    await waitFor('the pieces', () => {
      const lines = h.supervisor.output('longline');
      return lines.length > 0 && lines.reduce((sum, l) => sum + l.text.length, 0) >= 2 * MB - 64 * 1024
        ? true
        : undefined;
    });
    await h.assertResponsive('after a 10 MB line');
    const lines = h.supervisor.output('longline');
    assert.ok(
      lines.every((l) => l.broken && l.text.length <= 64 * 1024),
      'every piece is marked broken and bounded',
    );
    assert.equal(h.supervisor.get('longline')?.state, 'running');
    await h.supervisor.stop('longline');
    assert.deepEqual(await findMarked(h.marker), []);
    assert.match(entriesOf(h, 'stopped', 'longline')[0]?.message ?? '', /longline stopped/);
    h.badInputs(1);
    h.faults(1);
  });

  it('6. a child that closes stdout and stderr but keeps running stays supervised and stoppable; its later exit is seen', async () => {
    h.supervisor.upsert(definition('mute', node, [fixture('closes-stdout.js')], { graceMs: 300 }));
    const script = 'exec 1>&- 2>&-; sleep 0.4; exit 7';
    h.supervisor.upsert(
      definition('silent-exit', 'sh', ['-c', script], {
        restart: { mode: 'never', maxRestarts: 0, windowMs: 1, backoffBaseMs: 0, backoffMaxMs: 0, minUptimeMs: 0 },
      }),
    );
    await h.supervisor.start('mute');
    await h.supervisor.start('silent-exit');
    await waitFor('last words', () =>
      h.supervisor.output('mute').some((l) => l.text === 'last words') ? true : undefined,
    );
    await sleep(300);
    assert.equal(h.supervisor.get('mute')?.state, 'running');
    await waitForState('silent-exit', 'crashed');
    assert.equal(h.supervisor.get('silent-exit')?.lastExit?.code, 7);
    assert.match(entriesOf(h, 'crashed', 'silent-exit')[0]?.message ?? '', /exit code 7/);
    const result = await h.supervisor.stop('mute');
    assert.equal(result?.outcome, 'exited');
    assert.deepEqual(await findMarked(h.marker), []);
    assert.equal(entriesOf(h, 'stopped', 'mute').length, 1);
    h.faults(2);
  });

  it('10. a missing binary, a bad cwd and a permission denial fail clearly, each in the activity log', async () => {
    const missingDir = path.join(h.tempDir, 'missing');
    const cases: Array<[string, ReturnType<typeof definition>, RegExp]> = [
      [
        'ghost',
        definition('ghost', 'shepherd-no-such-binary', []),
        /command "shepherd-no-such-binary" was not found \(is it installed and on PATH\?\)/,
      ],
      ['ghost-path', definition('ghost-path', '/nonexistent/bin/tool', []), /"\/nonexistent\/bin\/tool" was not found/],
      ['nowhere', definition('nowhere', 'sh', [], { cwd: missingDir }), /working directory ".*missing" does not exist/],
      [
        'file-cwd',
        definition('file-cwd', 'sh', [], { cwd: fixture('polite.sh') }),
        /working directory ".*polite\.sh" is not a folder/,
      ],
      ['noexec', definition('noexec', fixture('not-executable.txt'), []), /cannot be executed: permission denied/],
      ['dir-as-command', definition('dir-as-command', h.tempDir, []), /cannot be executed: permission denied/],
    ];
    h.supervisor.upsert(definition('bystander', 'sh', [fixture('polite.sh')]));
    await h.supervisor.start('bystander');
    for (const [id, def, reason] of cases) {
      h.supervisor.upsert(def);
      const view = await h.supervisor.start(id);
      assert.equal(view.state, 'failed', id);
      assert.match(view.message ?? '', reason, id);
      const entry = entriesOf(h, 'failed', id)[0];
      assert.ok(entry, `${id} has a "failed" activity entry`);
      assert.match(entry.message, reason);
    }
    // A missing command under a shell is the shell's business: it exits 127 and that is a crash.
    h.supervisor.upsert(
      definition('shell-ghost', 'shepherd-no-such-binary --flag', [], {
        shell: true,
        restart: { mode: 'never', maxRestarts: 0, windowMs: 1, backoffBaseMs: 0, backoffMaxMs: 0, minUptimeMs: 0 },
      }),
    );
    await h.supervisor.start('shell-ghost');
    await waitForState('shell-ghost', 'crashed');
    assert.match(entriesOf(h, 'crashed', 'shell-ghost')[0]?.message ?? '', /exit code 127/);
    // The shell printed why and exited at once, before the supervisor attached: the line is kept.
    assert.ok(
      h.supervisor
        .output('shell-ghost')
        .some((l) => l.stream === 'stderr' && /shepherd-no-such-binary.*not found/.test(l.text)),
      `the shell's last words were lost: ${JSON.stringify(h.supervisor.output('shell-ghost'))}`,
    );
    assert.equal(h.supervisor.get('bystander')?.state, 'running');
    assert.equal(h.supervisor.registry.size, 1);
    assert.deepEqual(h.supervisor.restartBookkeeping(), { trackers: 0, scheduled: 0 });
    h.badInputs(cases.length + 1);
    h.faults(cases.length + 1);
  });

  describe('12. deactivate in the middle of a stop', () => {
    it('killAllSync (the exit hook) during a long stop leaves nothing, and the pending stop still settles', async () => {
      for (const id of ['s1', 's2', 's3']) {
        h.supervisor.upsert(definition(id, node, [fixture('faults/ignore-term-tree.js'), '2'], { graceMs: 30_000 }));
        await h.supervisor.start(id);
      }
      await waitFor('nine processes', async () => ((await findMarked(h.marker)).length === 9 ? true : undefined));
      const stopping = h.supervisor.stopAll();
      await sleep(150);
      assert.equal(h.supervisor.killAllSync(), 3);
      await waitFor('nothing left', async () => ((await findMarked(h.marker)).length === 0 ? true : undefined), 2_000);
      const results = await stopping;
      assert.equal(results.length, 3);
      assert.equal(entriesOf(h, 'stopped').length, 3);
      h.faults(1);
    });

    it('shutdown (deactivate) during a stop with a 30 s grace finishes within its own short grace', async () => {
      h.supervisor.upsert(definition('slow', 'sh', [fixture('stubborn.sh')], { graceMs: 30_000 }));
      await h.supervisor.start('slow');
      await waitFor('ready', () => (h.supervisor.output('slow').some((l) => l.text === 'ready') ? true : undefined));
      const userStop = h.supervisor.stop('slow');
      await sleep(100);
      const started = Date.now();
      await h.supervisor.shutdown(300);
      const elapsed = Date.now() - started;
      assert.deepEqual(await findMarked(h.marker), []);
      assert.ok(elapsed < 1_500, `shutdown took ${elapsed} ms with a 300 ms grace`);
      assert.equal((await userStop)?.outcome, 'killed');
      assert.match(entriesOf(h, 'stopped', 'slow')[0]?.message ?? '', /killed with SIGKILL/);
      h.faults(1);
    });

    it('killAllSync while a start is in flight leaves nothing running, and a start after shutdown is refused', async () => {
      h.supervisor.upsert(definition('late-start', 'sleep', ['1000']));
      const starting = h.supervisor.start('late-start');
      h.supervisor.killAllSync();
      const view = await starting;
      await sleep(100);
      assert.deepEqual(
        await findMarked(h.marker),
        [],
        `the worker started after the exit hook ran (state ${view.state})`,
      );
      assert.equal(view.state, 'failed');
      assert.match(view.message ?? '', /shutting down/);
      assert.match(
        entriesOf(h, 'failed', 'late-start')[0]?.message ?? '',
        /Shepherd is shutting down: the worker was not started/,
      );
      await h.supervisor.shutdown(200);
      const after = await h.supervisor.start('late-start');
      assert.equal(after.state, 'failed');
      assert.deepEqual(await findMarked(h.marker), []);
      h.faults(2);
    });
  });
});
