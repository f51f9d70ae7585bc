import * as assert from 'node:assert/strict';
import { formatSeconds, interleave, restartText, WorkerMarker } from '../../../../src/core/workers/workerMarkers';
import { findMarked, fixture, waitFor } from '../../../helpers/processes';
import { definition, useSupervisor } from '../../../helpers/supervisorFixture';

const node = process.execPath;

describe('worker markers', () => {
  const h = useSupervisor({ tickMs: 100 });

  function recordMarkers(): WorkerMarker[] {
    const seen: WorkerMarker[] = [];
    h.supervisor.onDidMark((marker) => seen.push(marker));
    return seen;
  }

  it('words a restart as "restart 2 of 5 after 1.2 s"', () => {
    assert.equal(restartText(2, 5, 1_200), 'restart 2 of 5 after 1.2 s');
    assert.equal(formatSeconds(15_000), '15 s');
  });

  it('places markers among output lines by the seq they follow', () => {
    const line = (seq: number): { seq: number; text: string; stream: 'stdout'; at: number; broken: boolean } => ({
      seq,
      text: `line ${seq}`,
      stream: 'stdout',
      at: 0,
      broken: false,
    });
    const mark = (afterSeq: number, text: string): WorkerMarker => ({
      workerId: 'w',
      kind: 'stopped',
      text,
      at: 0,
      afterSeq,
    });
    const text = interleave(
      [line(1), line(2), line(3)],
      [mark(0, 'started'), mark(2, 'crashed'), mark(3, 'stopped')],
      (l) => `${l.text}|`,
      (m) => `[${m.text}]|`,
    );
    assert.equal(text, '[started]|line 1|line 2|[crashed]|line 3|[stopped]|');
  });

  it('counts down to SIGKILL while stopping, and Kill Now sends it at once with a marker', async () => {
    const seen = recordMarkers();
    h.supervisor.upsert(definition('stubborn', 'sh', [fixture('stubborn.sh')], { graceMs: 600_000 }));
    await h.supervisor.start('stubborn');
    await waitFor('ready', () => (h.supervisor.output('stubborn').some((l) => l.text === 'ready') ? true : undefined));
    const before = Date.now();
    const stopping = h.supervisor.stop('stubborn');
    const view = await waitFor('stopping', () => {
      const current = h.supervisor.get('stubborn');
      return current?.state === 'stopping' ? current : undefined;
    });
    assert.ok(view.killAt !== undefined && view.killAt >= before + 600_000, 'SIGKILL is due after the grace');
    h.supervisor.killNow('stubborn');
    const result = await stopping;
    assert.equal(result?.outcome, 'killed');
    assert.equal(h.supervisor.get('stubborn')?.killAt, undefined, 'a stopped worker has no deadline');
    assert.deepEqual(await findMarked(h.marker), []);

    assert.deepEqual(
      seen.map((marker) => marker.kind),
      ['started', 'killed'],
    );
    assert.match(seen[0].text, /^started, pid \d+$/);
    assert.match(seen[1].text, /^killed with SIGKILL after [\d,]+ ms$/);
    const ready = h.supervisor.output('stubborn').find((l) => l.text === 'ready');
    assert.ok(ready && seen[1].afterSeq >= ready.seq, 'the marker comes after the lines printed before it');
    assert.deepEqual(h.supervisor.markers('stubborn'), seen, 'markers are kept for panels opened later');
  });

  it('a stop that only takes SIGTERM says "stopped", and Kill Now outside a stop does nothing', async () => {
    const seen = recordMarkers();
    h.supervisor.upsert(definition('polite', node, [fixture('echo-lines.js')]));
    await h.supervisor.start('polite');
    h.supervisor.killNow('polite');
    assert.equal(h.supervisor.get('polite')?.state, 'running');
    await h.supervisor.stop('polite');
    assert.deepEqual(
      seen.map((marker) => marker.kind),
      ['started', 'stopped'],
    );
    assert.match(seen[1].text, /^stopped: exited on SIGTERM in [\d,]+ ms$/);
  });

  it('marks each crash and restart of a crash loop, then the failure', async () => {
    const seen = recordMarkers();
    h.supervisor.upsert(
      definition('crasher', node, [fixture('exit-with.js'), '3'], {
        restart: {
          mode: 'on-failure',
          maxRestarts: 2,
          windowMs: 60_000,
          backoffBaseMs: 10,
          backoffMaxMs: 40,
          minUptimeMs: 60_000,
        },
      }),
    );
    await h.supervisor.start('crasher');
    await waitFor('failed', () => (h.supervisor.get('crasher')?.state === 'failed' ? true : undefined));
    assert.deepEqual(
      seen.map((marker) => marker.kind),
      ['started', 'crashed', 'restarting', 'started', 'crashed', 'restarting', 'started', 'failed'],
    );
    assert.equal(seen[1].text, 'crashed: exit code 3');
    assert.match(seen[2].text, /^restart 1 of 2 after [\d.]+ s$/);
    assert.match(seen[5].text, /^restart 2 of 2 after [\d.]+ s$/);
    assert.match(seen[7].text, /^failed: crash loop/);
    const firstLine = h.supervisor.output('crasher')[0];
    assert.ok(seen[1].afterSeq >= firstLine.seq, "a crash is marked after the run's last words");
  });

  it('marks a clean exit, and Clear Output forgets the markers with the lines', async () => {
    const seen = recordMarkers();
    h.supervisor.upsert(definition('once', node, [fixture('exit-with.js'), '0']));
    await h.supervisor.start('once');
    await waitFor('exited', () => (h.supervisor.get('once')?.state === 'exited' ? true : undefined));
    assert.equal(seen.at(-1)?.text, 'exited: exit code 0');
    h.supervisor.clearOutput('once');
    assert.deepEqual(h.supervisor.markers('once'), []);
  });
});
