import { performance } from 'node:perf_hooks';
import { runOnHost } from '../hostClient';
import { StopStubbornResult } from '../host/protocol';
import { findRepProcesses, killRepProcesses, newMarker } from '../orphans';
import { MARKER_VAR } from '../../test/helpers/processes';
import { fixture, SH } from '../paths';
import { Pm2, pm2Version } from '../pm2';
import { sleep, waitUntil } from '../processes';
import { pairwiseRatio, summarize } from '../stats';
import { forEachRep, Scenario, withPm2 } from './scenario';

/** The same settling time the host gives Shepherd's workers before its clock starts. */
const SETTLE_MS = 300;
/** Each stubborn group is a shell and its two sleeps. */
const PROCESSES_PER_WORKER = 3;

interface Pm2StopRep {
  readonly wallMs: number;
  readonly orphans: number;
}

/** pm2's side: the same shells as apps (kill_timeout = grace), then `pm2 delete all`, timed. */
async function pm2Stop(pm2: Pm2, workers: number, graceMs: number, rep: number): Promise<Pm2StopRep> {
  const repMarker = newMarker('rep');
  try {
    const apps = Array.from({ length: workers }, (_, i) => ({
      name: `stubborn-${i}`,
      script: SH,
      args: [fixture('stubborn.sh')],
      env: { [MARKER_VAR]: repMarker },
      killTimeoutMs: graceMs,
    }));
    await pm2.cli(['start', await pm2.writeEcosystem(`stubborn-${rep}.json`, apps)]);
    await waitUntil(
      'every pm2 stubborn group to be complete',
      async () => (await findRepProcesses(repMarker)).length >= workers * PROCESSES_PER_WORKER,
      60_000,
      100,
    );
    await sleep(SETTLE_MS);
    const startedAt = performance.now();
    await pm2.cli(['delete', 'all']);
    const wallMs = performance.now() - startedAt;
    const orphans = (await findRepProcesses(repMarker)).length;
    return { wallMs, orphans };
  } finally {
    await killRepProcesses(repMarker);
  }
}

export const stopStubbornScenario: Scenario = {
  number: 1,
  title: 'Stop stubborn process groups',
  async run(config, problems) {
    const workers = config.stubbornWorkers;
    const graceMs = config.stubbornGraceMs;
    const shepherd: StopStubbornResult[] = [];
    const pm2Reps: Pm2StopRep[] = [];
    await withPm2(problems, (pm2) =>
      forEachRep(config.reps, async (rep, shepherdFirst) => {
        const runShepherd = async (): Promise<void> => {
          const outcome = await runOnHost('stop-stubborn', { workers, graceMs });
          problems.push(...outcome.problems);
          shepherd.push(outcome.result);
        };
        const runPm2 = async (): Promise<void> => {
          pm2Reps.push(await pm2Stop(pm2, workers, graceMs, rep));
        };
        for (const step of shepherdFirst ? [runShepherd, runPm2] : [runPm2, runShepherd]) {
          await step();
        }
      }),
    );
    const wallS = shepherd.map((r) => r.wallMs / 1_000);
    const pm2WallS = pm2Reps.map((r) => r.wallMs / 1_000);
    const wall = summarize(wallS);
    const ratio = pairwiseRatio(wallS, pm2WallS);
    const orphans = summarize(shepherd.map((r) => r.orphans));
    const pm2Orphans = summarize(pm2Reps.map((r) => r.orphans));
    const p50 = summarize(shepherd.map((r) => r.loop.p50Ms));
    const p99 = summarize(shepherd.map((r) => r.loop.p99Ms));
    const max = summarize(shepherd.map((r) => r.loop.maxMs));
    const limitS = graceMs / 1_000 + 0.3;
    return {
      rows: [
        {
          metric: `Stop ${workers} stubborn groups, wall time (s), grace ${graceMs / 1_000} s`,
          shepherd: wall,
          pm2: summarize(pm2WallS),
          ratio,
          goals: [
            { text: `≤ ${limitS.toFixed(1)} s`, met: wall.median <= limitS },
            { text: '≥ 5× faster (ratio ≤ 0.2)', met: ratio.median <= 0.2 },
          ],
        },
        {
          metric: 'Orphans left (live marked processes)',
          shepherd: orphans,
          pm2: pm2Orphans,
          goals: [{ text: '0 in every rep', met: orphans.max === 0 }],
        },
        { metric: 'Event-loop delay during the stop, p50 (ms)', shepherd: p50 },
        {
          metric: 'Event-loop delay during the stop, p99 (ms)',
          shepherd: p99,
          goals: [{ text: '< 10 ms', met: p99.median < 10 }],
        },
        {
          metric: 'Event-loop delay during the stop, max (ms)',
          shepherd: max,
          goals: [{ text: '< 50 ms', met: max.median < 50 }],
        },
      ],
      notes: [
        `Each worker is \`sh test/fixtures/stubborn.sh\`: it ignores SIGTERM and keeps two \`sleep\` children (${workers * PROCESSES_PER_WORKER} processes in all, checked before each stop).`,
        `Shepherd: Supervisor.stopAll({ graceMs: ${graceMs} }) in a fresh host process. pm2 ${pm2Version()}: \`pm2 delete all\` with kill_timeout ${graceMs} and kill_signal SIGTERM (pm2's default SIGINT would kill the shell and orphan its sleeps, so both tools send the same signal). pm2's time includes its CLI start (see scenario 2's round-trip row).`,
        "Orphans: live processes carrying the repetition's marker variable, scanned in /proc right after the stop returned (zombies do not count).",
        "Event-loop delay: perf_hooks.monitorEventLoopDelay({ resolution: 1 }) in the supervising process; values include the 1 ms sampling interval (an idle loop reads about 1.1 ms). pm2's daemon cannot be probed from outside.",
        `Stop outcomes per Shepherd rep: ${shepherd
          .map((r) =>
            Object.entries(r.outcomes)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
          )
          .join(' | ')}.`,
      ],
      details: { shepherd, pm2: pm2Reps },
    };
  },
};
