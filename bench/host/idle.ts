import { performance } from 'node:perf_hooks';
import { SLEEP } from '../paths';
import { sleep } from '../processes';
import { benchDefinition, HostContext, withSupervisor } from './context';
import { liveTimers } from './timerCensus';
import { IdleParams, IdleResult, ResourceCounts } from './protocol';

/** Start-up leaves work behind (the first metric samples, a status write, garbage): let it pass. */
const SETTLE_MS = 3_000;
const MB = 1_000_000;

function countResources(): ResourceCounts {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/**
 * Scenario 4, Shepherd's side: N sleeping workers supervised with the extension's default tick.
 * No event-loop probe runs here: its 1 ms timer would itself be the biggest CPU cost measured.
 */
export async function idle(context: HostContext, params: IdleParams): Promise<IdleResult> {
  // The default registry holds 128 groups; the bench raises it to supervise more idle workers.
  return withSupervisor(context, { registryCapacity: Math.max(128, params.workers) }, async (supervisor) => {
    const ids = Array.from({ length: params.workers }, (_, i) => `idle-${i}`);
    for (const id of ids) {
      supervisor.upsert(benchDefinition(id, SLEEP, ['100000'], { graceMs: 1_000 }));
    }
    const views = await Promise.all(ids.map((id) => supervisor.start(id)));
    const notRunning = views.filter((view) => view.state !== 'running');
    if (notRunning.length > 0) {
      throw new Error(
        `${notRunning.length} idle worker(s) did not start: ${notRunning[0].message ?? notRunning[0].state}`,
      );
    }
    await sleep(SETTLE_MS);
    global.gc?.();

    const cpuPercent: number[] = [];
    const rssMB: number[] = [];
    const resources: ResourceCounts[] = [];
    const timers: number[] = [];
    for (let window = 0; window < params.windows; window++) {
      const cpuBefore = process.cpuUsage();
      const startedAt = performance.now();
      await sleep(params.windowMs);
      const cpu = process.cpuUsage(cpuBefore);
      const wallMs = performance.now() - startedAt;
      cpuPercent.push(((cpu.user + cpu.system) / 1_000 / wallMs) * 100);
      rssMB.push(process.memoryUsage.rss() / MB);
      resources.push(countResources());
      timers.push(liveTimers());
    }
    await supervisor.stopAll({ graceMs: 1_000 });
    return { cpuPercent, rssMB, resources, timers };
  });
}
