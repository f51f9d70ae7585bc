import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { faultReport, sleep, useFaultScenario } from '../../helpers/faultHarness';
import { findMarked } from '../../helpers/processes';
import { definition } from '../../helpers/supervisorFixture';

const CYCLES = 1_000;
/** Parallel lanes, each cycling its own worker: a stop costs at least one 100 ms liveness probe. */
const LANES = 25;
/**
 * The JS heap is the leak detector: 3 KB kept per cycle would show as 3 MB. The harness itself keeps
 * every activity entry of the scenario (2,000 here, about 0.5 MB). RSS also counts native memory
 * (glibc arenas touched by spawning, which are not returned to the system): measured at 2-12 MB
 * per 1,000 cycles here with a flat heap, so its bound is looser.
 */
const MAX_HEAP_GROWTH_MB = 3;
const MAX_RSS_GROWTH_MB = 32;
const WARM_UP_CYCLES_PER_LANE = 4;
/** Active handles and requests (pipes, timers, child processes) must come back to where they were. */
const MAX_HANDLE_GROWTH = 2;

function collectGarbage(): void {
  // The runner has no --expose-gc; the flag can be set at runtime and gc() fetched from a fresh context.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
}

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

async function settle(): Promise<{
  rssMb: number;
  heapMb: number;
  handles: number;
  resources: Record<string, number>;
}> {
  // Let the last exits, closes and the supervisor's tick run, then measure a collected heap.
  await sleep(400);
  collectGarbage();
  await sleep(50);
  const info = resources();
  const memory = process.memoryUsage();
  return {
    rssMb: memory.rss / (1024 * 1024),
    heapMb: memory.heapUsed / (1024 * 1024),
    handles: Object.values(info).reduce((a, b) => a + b, 0),
    resources: info,
  };
}

describe('fault injection: start/stop cycles', function () {
  this.timeout(120_000);
  const h = useFaultScenario({ withStatusFile: true });

  it(`11. ${CYCLES} start/stop cycles leave RSS and active handles flat, and every cycle in the activity log`, async () => {
    const never = {
      mode: 'never' as const,
      maxRestarts: 0,
      windowMs: 1,
      backoffBaseMs: 0,
      backoffMaxMs: 0,
      minUptimeMs: 0,
    };
    for (let lane = 0; lane < LANES; lane++) {
      // Half the lanes exit at once (often before the stop), half must be stopped.
      const command = lane % 2 === 0 ? ['true', []] : ['sleep', ['30']];
      h.supervisor.upsert(
        definition(`cycle-${lane}`, command[0] as string, command[1] as string[], {
          restart: never,
          graceMs: 2_000,
          outputBufferBytes: 4096,
        }),
      );
    }
    const runLane = async (lane: number, cycles: number): Promise<void> => {
      for (let i = 0; i < cycles; i++) {
        const view = await h.supervisor.start(`cycle-${lane}`);
        assert.ok(
          view.state === 'running' || view.state === 'exited',
          `cycle ${i} of lane ${lane}: ${view.state} ${view.message ?? ''}`,
        );
        await h.supervisor.stop(`cycle-${lane}`);
      }
    };
    // Warm up, so lazily created things (the status file, code paths) are not counted as growth.
    await Promise.all(Array.from({ length: LANES }, (_, lane) => runLane(lane, WARM_UP_CYCLES_PER_LANE)));
    const warmEntries = h.activity.length;
    const before = await settle();
    const started = Date.now();
    await Promise.all(Array.from({ length: LANES }, (_, lane) => runLane(lane, CYCLES / LANES)));
    const seconds = (Date.now() - started) / 1000;
    const after = await settle();
    faultReport.cycles = {
      cycles: CYCLES,
      rssBeforeMb: before.rssMb,
      rssAfterMb: after.rssMb,
      heapBeforeMb: before.heapMb,
      heapAfterMb: after.heapMb,
      handlesBefore: before.handles,
      handlesAfter: after.handles,
      resourcesBefore: before.resources,
      resourcesAfter: after.resources,
      seconds,
    };
    assert.deepEqual(await findMarked(h.marker), []);
    assert.equal(h.supervisor.registry.size, 0);
    assert.deepEqual(h.supervisor.restartBookkeeping(), { trackers: 0, scheduled: 0 });
    assert.ok(h.tasks.size <= 1, `background tasks left: ${h.tasks.names().join(', ')}`);
    // Every cycle: one "spawned", and one end (exited on its own, or stopped).
    const cycled = h.activity.slice(warmEntries);
    const spawned = cycled.filter((e) => e.kind === 'spawned').length;
    const ended = cycled.filter((e) => e.kind === 'exited' || e.kind === 'stopped').length;
    h.lost(Math.max(0, CYCLES - spawned) + Math.max(0, CYCLES - ended));
    assert.equal(spawned, CYCLES, 'spawned entries');
    assert.equal(ended, CYCLES, 'end entries');
    assert.ok(
      h.activityOf(h.supervisor).list().length <= h.activityOf(h.supervisor).capacity,
      'the kept log stays bounded',
    );
    const heapGrowth = after.heapMb - before.heapMb;
    assert.ok(heapGrowth < MAX_HEAP_GROWTH_MB, `the JS heap grew by ${heapGrowth.toFixed(2)} MB over ${CYCLES} cycles`);
    const growth = after.rssMb - before.rssMb;
    assert.ok(growth < MAX_RSS_GROWTH_MB, `RSS grew by ${growth.toFixed(1)} MB over ${CYCLES} cycles`);
    assert.ok(
      after.handles <= before.handles + MAX_HANDLE_GROWTH,
      `active resources grew from ${JSON.stringify(before.resources)} to ${JSON.stringify(after.resources)}`,
    );
    h.faults(1);
  });
});
