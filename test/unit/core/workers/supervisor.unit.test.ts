import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { WorkerChange } from '../../../../src/core/workers/workerEvents';
import { WorkerState } from '../../../../src/core/workers/workerView';
import { findMarked, fixture, waitFor } from '../../../helpers/processes';
import { definition, useSupervisor } from '../../../helpers/supervisorFixture';

const node = process.execPath;

describe('Supervisor', () => {
  const h = useSupervisor({ tickMs: 100 });

  function waitForState(id: string, state: WorkerState, timeoutMs = 10_000): Promise<true> {
    return waitFor(`${id} to be ${state}`, () => (h.supervisor.get(id)?.state === state ? true : undefined), timeoutMs);
  }

  function statesOf(id: string): WorkerState[] {
    const states: WorkerState[] = [];
    h.supervisor.onDidChangeWorker((change: WorkerChange) => {
      if (change.view.id === id && states[states.length - 1] !== change.view.state) {
        states.push(change.view.state);
      }
    });
    return states;
  }

  it('tells its listeners after each tick, once the metrics of that tick are in', async () => {
    h.supervisor.upsert(definition('ticked', 'sleep', ['30']));
    await h.supervisor.start('ticked');
    let ticks = 0;
    const subscription = h.supervisor.onDidTick(() => (ticks += 1));
    await waitFor('three ticks', () => (ticks >= 3 ? true : undefined));
    subscription.dispose();
    // The tick that was told has sampled the worker: what a listener reads is that tick's.
    assert.ok(h.supervisor.get('ticked')?.rssBytes, 'sampled before the listeners were told');
  });

  it('runs a worker as the leader of its own process group and reports it running', async () => {
    h.supervisor.upsert(definition('sleeper', 'sh', [fixture('stubborn.sh')]));
    const view = await h.supervisor.start('sleeper');
    assert.equal(view.state, 'running');
    assert.equal(view.pgid, view.pid);
    await waitFor('the grandchildren', async () => ((await findMarked(h.marker)).length === 3 ? true : undefined));
  });

  it('stops a stubborn worker, group and grandchildren, and leaves no restart bookkeeping', async () => {
    h.supervisor.upsert(definition('stubborn', 'sh', [fixture('stubborn.sh')], { graceMs: 300 }));
    await h.supervisor.start('stubborn');
    await waitFor('ready', () => (h.supervisor.output('stubborn').some((l) => l.text === 'ready') ? true : undefined));
    const result = await h.supervisor.stop('stubborn');
    assert.equal(result?.outcome, 'killed');
    assert.equal(h.supervisor.get('stubborn')?.state, 'stopped');
    assert.deepEqual(await findMarked(h.marker), []);
    assert.deepEqual(h.supervisor.restartBookkeeping(), { trackers: 0, scheduled: 0 });
    assert.equal(h.supervisor.registry.size, 0);
  });

  it('ends a crash loop in failed at the restart limit, keeping the last lines and no bookkeeping', async () => {
    const states = statesOf('crasher');
    h.supervisor.upsert(
      definition('crasher', node, [fixture('exit-with.js'), '3'], {
        restart: {
          mode: 'on-failure',
          maxRestarts: 3,
          windowMs: 60_000,
          backoffBaseMs: 10,
          backoffMaxMs: 40,
          minUptimeMs: 60_000,
        },
      }),
    );
    await h.supervisor.start('crasher');
    await waitForState('crasher', 'failed');
    const view = h.supervisor.get('crasher');
    assert.equal(view?.restartCount, 3);
    assert.match(view?.message ?? '', /crash loop: 3 restarts/);
    // Output spans restarts, so the kept lines show every attempt's last words.
    assert.deepEqual(view?.lastLines, Array(4).fill('exiting with 3 in 0 ms'));
    assert.deepEqual(view?.lastExit && { code: view.lastExit.code, signal: view.lastExit.signal }, {
      code: 3,
      signal: null,
    });
    assert.deepEqual(h.supervisor.restartBookkeeping(), { trackers: 0, scheduled: 0 });
    for (const state of ['running', 'crashed', 'backoff', 'restarting'] as const) {
      assert.ok(states.includes(state), `went through ${state}: ${states.join(' → ')}`);
    }
    assert.ok(h.activity.list().some((e) => e.kind === 'failed' && e.workerId === 'crasher'));
  });

  it('does not restart a worker that exits 0 under on-failure, and forgets its bookkeeping', async () => {
    h.supervisor.upsert(definition('oneshot', node, [fixture('exit-with.js'), '0']));
    await h.supervisor.start('oneshot');
    await waitForState('oneshot', 'exited');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(h.supervisor.get('oneshot')?.state, 'exited');
    assert.equal(h.supervisor.get('oneshot')?.restartCount, 0);
    assert.deepEqual(h.supervisor.restartBookkeeping(), { trackers: 0, scheduled: 0 });
  });

  it('restarts a worker that exits 0 under "always"', async () => {
    h.supervisor.upsert(
      definition('looper', node, [fixture('exit-with.js'), '0', '50'], {
        restart: {
          mode: 'always',
          maxRestarts: 50,
          windowMs: 60_000,
          backoffBaseMs: 10,
          backoffMaxMs: 20,
          minUptimeMs: 60_000,
        },
      }),
    );
    await h.supervisor.start('looper');
    await waitFor('a restart', () => ((h.supervisor.get('looper')?.restartCount ?? 0) >= 1 ? true : undefined));
  });

  it('fails a missing binary with a message naming the command, leaving other workers alone', async () => {
    h.supervisor.upsert(definition('healthy', 'sh', [fixture('polite.sh')]));
    h.supervisor.upsert(definition('ghost', 'shepherd-no-such-binary', []));
    await h.supervisor.start('healthy');
    const ghost = await h.supervisor.start('ghost');
    assert.equal(ghost.state, 'failed');
    assert.equal(ghost.message, 'command "shepherd-no-such-binary" was not found (is it installed and on PATH?)');
    assert.equal(h.supervisor.get('healthy')?.state, 'running');
    assert.deepEqual(h.supervisor.restartBookkeeping(), { trackers: 0, scheduled: 0 });
    assert.equal(h.supervisor.registry.size, 1);
  });

  it('fails a bad cwd and a non-executable file with clear reasons', async () => {
    h.supervisor.upsert(definition('nowhere', 'sh', [], { cwd: path.join(h.tempDir, 'missing') }));
    h.supervisor.upsert(definition('noexec', fixture('not-executable.txt'), []));
    assert.equal(
      (await h.supervisor.start('nowhere')).message,
      `working directory "${path.join(h.tempDir, 'missing')}" does not exist`,
    );
    assert.match(
      (await h.supervisor.start('noexec')).message ?? '',
      /not-executable\.txt" cannot be executed: permission denied/,
    );
  });

  it('refuses the 129th process with a clear error', async function () {
    this.timeout(60_000);
    for (let i = 0; i < 129; i++) {
      h.supervisor.upsert(definition(`w${i}`, 'sleep', ['1000']));
    }
    const views = await Promise.all(Array.from({ length: 129 }, (_, i) => h.supervisor.start(`w${i}`)));
    const failed = views.filter((view) => view.state === 'failed');
    assert.equal(views.filter((view) => view.state === 'running').length, 128);
    assert.equal(failed.length, 1);
    assert.match(failed[0].message ?? '', /Shepherd already supervises 128 processes, its limit/);
    assert.equal((await findMarked(h.marker)).length, 128);
  });

  it('keeps a flood of 50 MB within the output buffer cap and hands out batches, not chunks', async function () {
    this.timeout(60_000);
    const capBytes = 1024 * 1024;
    let batches = 0;
    let linesSeen = 0;
    let sawEnd = false;
    let counted = 0;
    let lastSeq = 0;
    const misfits: string[] = [];
    h.supervisor.onDidOutput((batch) => {
      batches += 1;
      linesSeen += batch.lines.length;
      sawEnd ||= batch.lines.some((line) => line.text === 'flood done');
      // Batches cover every line once, in order, whether or not the buffer still had it to hand out.
      if (batch.lastSeq - batch.count !== lastSeq || batch.lines.at(-1)?.seq !== batch.lastSeq) {
        misfits.push(`batch ${batches}: count ${batch.count}, last seq ${batch.lastSeq}, previous ${lastSeq}`);
      }
      counted += batch.count;
      lastSeq = batch.lastSeq;
    });
    h.supervisor.upsert(
      definition('flood', node, [fixture('flood.js'), String(50 * 1024 * 1024)], { outputBufferBytes: capBytes }),
    );
    await h.supervisor.start('flood');
    await waitFor(
      'the flood to finish',
      () => (h.supervisor.output('flood').some((l) => l.text === 'flood done') ? true : undefined),
      50_000,
    );
    await waitFor('the last batch', () => (sawEnd ? true : undefined));
    const kept = h.supervisor.output('flood');
    const keptBytes = kept.reduce((sum, line) => sum + Buffer.byteLength(line.text) + 1, 0);
    assert.ok(keptBytes <= capBytes, `kept ${keptBytes} bytes`);
    assert.ok(keptBytes > capBytes - 2048, `kept only ${keptBytes} bytes`);
    assert.ok((h.supervisor.get('flood')?.droppedLines ?? 0) > 40_000);
    assert.ok(batches < linesSeen / 100, `${batches} batches for ${linesSeen} lines`);
    assert.deepEqual(misfits, []);
    assert.equal(counted, kept.at(-1)?.seq);
  });

  it('marks a worker degraded when its output matches a health pattern', async () => {
    h.supervisor.upsert(
      definition('quota', node, [fixture('echo-lines.js'), 'all good', 'Error: Rate limit exceeded (429)']),
    );
    await h.supervisor.start('quota');
    await waitFor('degraded', () => (h.supervisor.get('quota')?.health === 'degraded' ? true : undefined));
    assert.equal(h.supervisor.get('quota')?.lastHealthMatch?.line, 'Error: Rate limit exceeded (429)');
  });

  it('stops a worker that runs past maxRuntimeMs and marks it failed', async () => {
    h.supervisor.upsert(definition('hung', 'sh', [fixture('stubborn.sh')], { maxRuntimeMs: 200, graceMs: 100 }));
    await h.supervisor.start('hung');
    await waitForState('hung', 'failed');
    assert.match(h.supervisor.get('hung')?.message ?? '', /ran longer than its limit of 200 ms/);
    assert.deepEqual(await findMarked(h.marker), []);
  });

  it('forwards stdin and keeps a child that closed stdout supervised', async () => {
    h.supervisor.upsert(definition('echo', node, [fixture('echo-lines.js')]));
    h.supervisor.upsert(definition('mute', node, [fixture('closes-stdout.js')]));
    await h.supervisor.start('echo');
    await h.supervisor.start('mute');
    assert.ok(h.supervisor.write('echo', 'hello\n'));
    await waitFor('the echo', () =>
      h.supervisor.output('echo').some((l) => l.text === 'echo: hello') ? true : undefined,
    );
    await waitFor('last words', () =>
      h.supervisor.output('mute').some((l) => l.text === 'last words') ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(h.supervisor.get('mute')?.state, 'running');
  });

  it('kills what a dead leader left in its group before restarting', async () => {
    const script = `sleep 1000 & echo started; exit 1`;
    h.supervisor.upsert(
      definition('leaky', 'sh', ['-c', script], {
        graceMs: 200,
        restart: {
          mode: 'on-failure',
          maxRestarts: 1,
          windowMs: 60_000,
          backoffBaseMs: 50,
          backoffMaxMs: 50,
          minUptimeMs: 60_000,
        },
      }),
    );
    await h.supervisor.start('leaky');
    await waitForState('leaky', 'failed');
    await waitFor('remnants to be killed', async () => ((await findMarked(h.marker)).length === 0 ? true : undefined));
    assert.ok(h.activity.list().some((e) => e.kind === 'orphan-killed'));
  });

  it('deletes restart bookkeeping on stop during backoff and on removal', async () => {
    const slowRestart = {
      mode: 'on-failure' as const,
      maxRestarts: 5,
      windowMs: 60_000,
      backoffBaseMs: 60_000,
      backoffMaxMs: 60_000,
      minUptimeMs: 60_000,
    };
    h.supervisor.upsert(definition('a', node, [fixture('exit-with.js'), '1'], { restart: slowRestart }));
    h.supervisor.upsert(definition('b', node, [fixture('exit-with.js'), '1'], { restart: slowRestart }));
    await h.supervisor.start('a');
    await h.supervisor.start('b');
    await waitForState('a', 'backoff');
    await waitForState('b', 'backoff');
    assert.deepEqual(h.supervisor.restartBookkeeping(), { trackers: 2, scheduled: 2 });
    await h.supervisor.stop('a');
    assert.equal(h.supervisor.get('a')?.state, 'stopped');
    await h.supervisor.remove('b');
    assert.equal(h.supervisor.get('b'), undefined);
    assert.deepEqual(h.supervisor.restartBookkeeping(), { trackers: 0, scheduled: 0 });
  });

  it('keeps the number of active timers constant from 1 to 100 workers', async function () {
    this.timeout(60_000);
    // The fewest timers seen over a second: a timer per worker shows in every sample, while a passing one
    // (a debounced status write, a sampling tick) must not fail the test (CI once counted 2 against 1).
    const countTimers = async (): Promise<number> => {
      let fewest = Infinity;
      for (let sample = 0; sample < 20; sample++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        // The sampling timer itself has fired and is no longer active here.
        fewest = Math.min(fewest, process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length);
      }
      return fewest;
    };
    h.supervisor.upsert(definition('t0', 'sleep', ['1000']));
    await h.supervisor.start('t0');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const withOne = await countTimers();
    for (let i = 1; i < 100; i++) {
      h.supervisor.upsert(definition(`t${i}`, 'sleep', ['1000']));
    }
    await Promise.all(Array.from({ length: 99 }, (_, i) => h.supervisor.start(`t${i + 1}`)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(h.supervisor.snapshot().filter((v) => v.state === 'running').length, 100);
    const withHundred = await countTimers();
    assert.ok(withHundred <= withOne, `${withHundred} timers with 100 workers, ${withOne} with one`);
  });

  it('returns the same snapshot until something changes, and a listener that throws breaks nothing', async () => {
    h.supervisor.onDidChangeWorker(() => {
      throw new Error('faulty listener');
    });
    h.supervisor.upsert(definition('snap', 'sleep', ['1000']));
    const first = h.supervisor.snapshot();
    assert.equal(h.supervisor.snapshot(), first);
    await h.supervisor.start('snap');
    const second = h.supervisor.snapshot();
    assert.notEqual(second, first);
    assert.equal(second[0].state, 'running');
    assert.ok(Object.isFrozen(second) && Object.isFrozen(second[0]));
    assert.ok(h.logger.lines.some((line) => line.includes('faulty listener')));
  });

  it('records env names but never env values in views', async () => {
    h.supervisor.upsert(definition('secretive', 'sleep', ['1000'], { env: { API_KEY: 'sk-test-123456789' } }));
    const view = await h.supervisor.start('secretive');
    assert.deepEqual(view.envNames, ['API_KEY']);
    assert.ok(!JSON.stringify(view).includes('sk-test-123456789'));
  });

  it('writes the status file 0600 with pgids and start tokens but no env values', async () => {
    // Created by the harness per test, so the file is unique.
    const statusPath = path.join(h.tempDir, 'status.json');
    const { Supervisor } = await import('../../../../src/core/workers/supervisor');
    const supervisor = new Supervisor({
      logger: h.logger,
      tasks: h.tasks,
      activity: h.activity,
      statusFilePath: statusPath,
      extraEnv: { SHEPHERD_TEST_MARKER: h.marker },
    });
    try {
      supervisor.upsert(definition('recorded', 'sleep', ['1000'], { env: { TOKEN: 'super-secret-value' } }));
      const view = await supervisor.start('recorded');
      assert.ok(await supervisor.writeStatusNow());
      const stat = await fs.stat(statusPath);
      assert.equal(stat.mode & 0o777, 0o600);
      const text = await fs.readFile(statusPath, 'utf8');
      assert.ok(!text.includes('super-secret-value'));
      const contents = JSON.parse(text);
      assert.equal(contents.workers[0].pgid, view.pgid);
      assert.match(contents.workers[0].startToken, /^ticks:\d+$/);
    } finally {
      await supervisor.shutdown(200);
    }
  });
});
