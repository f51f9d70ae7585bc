import { performance } from 'node:perf_hooks';
import { runOnHost } from '../hostClient';
import { IdleResult, ResourceCounts } from '../host/protocol';
import { killRepProcesses, newMarker } from '../orphans';
import { MARKER_VAR } from '../../test/helpers/processes';
import { SLEEP } from '../paths';
import { Pm2 } from '../pm2';
import { readCpuSeconds, readMemory } from '../procStatus';
import { sleep, waitUntil } from '../processes';
import { pairwiseRatio, summarize } from '../stats';
import { Scenario, withPm2 } from './scenario';

/** The same settling time the host allows after start-up. */
const SETTLE_MS = 3_000;

interface Pm2Idle {
  readonly cpuPercent: number[];
  readonly rssMB: number[];
}

/** pm2's side: the daemon's CPU time over the same windows, with the same N sleeps as apps. */
async function pm2Idle(pm2: Pm2, workers: number, windows: number, windowMs: number): Promise<Pm2Idle> {
  const repMarker = newMarker('rep');
  try {
    const daemon = pm2.daemonPid;
    if (daemon === undefined) {
      throw new Error('pm2 wrote no daemon pid file');
    }
    const apps = Array.from({ length: workers }, (_, i) => ({
      name: `idle-${i}`,
      script: SLEEP,
      args: ['100000'],
      env: { [MARKER_VAR]: repMarker },
    }));
    await pm2.cli(['start', await pm2.writeEcosystem('idle.json', apps)]);
    await waitUntil(
      'pm2 to list every app online',
      async () => (await pm2.jlist()).filter((p) => p.status === 'online').length === workers,
      60_000,
      500,
    );
    await sleep(SETTLE_MS);
    const cpuPercent: number[] = [];
    const rssMB: number[] = [];
    for (let window = 0; window < windows; window++) {
      const cpuBefore = await readCpuSeconds(daemon);
      const startedAt = performance.now();
      await sleep(windowMs);
      const cpu = (await readCpuSeconds(daemon)) - cpuBefore;
      cpuPercent.push((cpu / ((performance.now() - startedAt) / 1_000)) * 100);
      rssMB.push((await readMemory(daemon)).rssMB);
    }
    await pm2.cli(['delete', 'all']);
    return { cpuPercent, rssMB };
  } finally {
    await killRepProcesses(repMarker);
  }
}

/** OS handles (processes, pipes, sockets): every active resource that is not a timer. */
function handles(counts: ResourceCounts): number {
  return Object.entries(counts)
    .filter(([kind]) => kind !== 'Timeout' && kind !== 'Immediate')
    .reduce((sum, [, count]) => sum + count, 0);
}

function describe(counts: ResourceCounts): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
}

/** The set of distinct values, as "3" or "3, 4": resources that drift between windows show up. */
function distinct(values: readonly number[]): string {
  return [...new Set(values)].join(', ');
}

export const idleScenario: Scenario = {
  number: 4,
  title: 'Idle supervision',
  async run(config, problems) {
    const counts = [...config.idleCompareWorkers, config.idleWorkers];
    const byCount = new Map<number, IdleResult>();
    const hostTimeoutMs = (Math.max(config.idleSeconds, config.idleCompareSeconds) + 120) * 1_000;
    for (const workers of counts) {
      const main = workers === config.idleWorkers;
      const seconds = main ? config.idleSeconds : config.idleCompareSeconds;
      const windows = main ? config.idleWindows : 5;
      const outcome = await runOnHost(
        'idle',
        { workers, windows, windowMs: (seconds * 1_000) / windows },
        hostTimeoutMs,
      );
      problems.push(...outcome.problems);
      byCount.set(workers, outcome.result);
    }
    const main = byCount.get(config.idleWorkers) as IdleResult;
    const pm2Result = await withPm2(problems, (pm2) =>
      pm2Idle(pm2, config.idleWorkers, config.idleWindows, (config.idleSeconds * 1_000) / config.idleWindows),
    );

    const timerCounts = counts.map((n) => distinct((byCount.get(n) as IdleResult).timers));
    const handleCounts = counts.map((n) => distinct((byCount.get(n) as IdleResult).resources.map(handles)));
    const last = (n: number): ResourceCounts => {
      const resources = (byCount.get(n) as IdleResult).resources;
      return resources[resources.length - 1];
    };
    const fewest = counts[0];
    const perWorker = (handles(last(config.idleWorkers)) - handles(last(fewest))) / (config.idleWorkers - fewest);
    const timersFlat = new Set(timerCounts).size === 1;
    const cpu = summarize(main.cpuPercent);
    const label = counts.join(' / ');
    const rows = [
      {
        metric: `CPU of the supervising process, ${config.idleWorkers} idle workers, ${config.idleSeconds} s in ${config.idleWindows} windows (% of a core)`,
        shepherd: cpu,
        pm2: summarize(pm2Result.cpuPercent),
        ...(pm2Result.cpuPercent.every((v) => v > 0)
          ? { ratio: pairwiseRatio(main.cpuPercent, pm2Result.cpuPercent) }
          : {}),
        goals: [{ text: '< 1 %', met: cpu.median < 1 }],
      },
      ...config.idleCompareWorkers.map((n) => ({
        metric: `CPU with ${n} idle workers (% of a core)`,
        shepherd: summarize((byCount.get(n) as IdleResult).cpuPercent),
      })),
      {
        metric: `RSS of the supervising process, ${config.idleWorkers} workers (MB)`,
        shepherd: summarize(main.rssMB),
        pm2: summarize(pm2Result.rssMB),
      },
      {
        metric: `Timers alive (ref'd or not) with ${label} workers`,
        shepherd: timerCounts.join(' / '),
        goals: [{ text: 'same for every count', met: timersFlat }],
      },
      { metric: `Active handles (getActiveResourcesInfo) with ${label} workers`, shepherd: handleCounts.join(' / ') },
      {
        metric: 'Handles added per worker',
        shepherd: perWorker.toFixed(2),
        goals: [{ text: '≤ 4 (its process and 3 pipes)', met: perWorker <= 4 }],
      },
    ];
    return {
      rows,
      notes: [
        `Workers are \`${SLEEP} 100000\`. Shepherd runs with the extension's defaults (2 s tick: health scan, registry sweep, one /proc scan for metrics, status file) and a registry capacity raised to ${Math.max(128, config.idleWorkers)}; no event-loop probe runs, its 1 ms timer would dominate the figure.`,
        'CPU: process.cpuUsage() of the host over each window; pm2: utime+stime of its daemon from /proc (10 ms ticks). The windows are the repetitions.',
        `Timers are counted by wrapping the global timer functions in the host (bench/host/timerCensus.ts), because getActiveResourcesInfo() leaves out unref'd timers such as the supervisor's tick. Handles from process.getActiveResourcesInfo() at the end of the last window: ${counts.map((n) => `${n} workers: ${describe(last(n)) || 'none'}`).join('; ')}.`,
        "A CPU ratio is only given when pm2's daemon used measurable CPU (its figure comes in 10 ms ticks) in every window.",
      ],
      details: { shepherd: Object.fromEntries(byCount), pm2: pm2Result },
    };
  },
};
