import * as assert from 'node:assert/strict';
import { USAGE_HISTORY_MS, UsageHistory } from '../../../../src/core/workers/usageHistory';
import { waitFor } from '../../../helpers/processes';
import { definition, useSupervisor } from '../../../helpers/supervisorFixture';

const MB = 1024 * 1024;

describe('UsageHistory', () => {
  const noListenerErrors = (error: unknown): void => assert.fail(`a listener threw: ${String(error)}`);
  const usage = (rssBytes: number) => ({ cpuPercent: 1, rssBytes, processCount: 1 });

  it('holds as many samples as ticks fit in ten minutes, oldest dropped first', () => {
    const history = new UsageHistory(USAGE_HISTORY_MS / 3, noListenerErrors);
    assert.equal(history.capacity, 3);
    for (let i = 1; i <= 5; i++) {
      history.record([{ id: 'api', usage: usage(i) }], i);
    }
    assert.deepEqual(
      history.samples('api', 5).map((sample) => sample.rssBytes),
      [3, 4, 5],
    );
  });

  it('leaves out samples older than the window, skips workers not running, and forgets removed ones', () => {
    const history = new UsageHistory(1_000, noListenerErrors);
    history.record([{ id: 'api', usage: usage(1) }], 0);
    history.record([{ id: 'api', usage: usage(2) }], USAGE_HISTORY_MS);
    history.record([{ id: 'api', usage: undefined }], USAGE_HISTORY_MS + 1);
    assert.deepEqual(
      history.samples('api', USAGE_HISTORY_MS + 1).map((sample) => sample.rssBytes),
      [2],
      'the first sample fell out of the window; the stopped tick added none',
    );
    history.record([], USAGE_HISTORY_MS + 2);
    assert.deepEqual(history.samples('api', USAGE_HISTORY_MS + 2), [], 'a removed worker keeps no ring');
  });

  describe('on the supervisor tick', () => {
    const h = useSupervisor({ tickMs: 50 });

    it('records CPU and RSS of a real worker each tick and tells listeners', async () => {
      let recorded = 0;
      h.supervisor.usageHistory.onDidRecord(() => recorded++);
      // Holds 64 MB touched (Buffer.alloc fills it), so the group's RSS is clearly above that.
      const script = 'const b = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => b[0]++, 1000);';
      h.supervisor.upsert(definition('hog', process.execPath, ['-e', script]));
      await h.supervisor.start('hog');
      const samples = await waitFor('three samples above 64 MB', () => {
        const list = h.supervisor.usageHistory.samples('hog');
        return list.filter((sample) => sample.rssBytes > 64 * MB).length >= 3 ? list : undefined;
      });
      assert.ok(recorded >= 3, `listeners were told of ${recorded} ticks`);
      for (let i = 1; i < samples.length; i++) {
        assert.ok(samples[i].at > samples[i - 1].at, 'samples are oldest first, one per tick');
      }
      assert.ok(samples.every((sample) => sample.cpuPercent >= 0));
      await h.supervisor.stop('hog');
      const before = h.supervisor.usageHistory.samples('hog').length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(h.supervisor.usageHistory.samples('hog').length, before, 'a stopped worker adds no samples');
    });
  });
});
