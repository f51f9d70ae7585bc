import { performance } from 'node:perf_hooks';
import { runOnHost } from '../hostClient';
import { StartManyResult } from '../host/protocol';
import { killRepProcesses, newMarker } from '../orphans';
import { MARKER_VAR } from '../../test/helpers/processes';
import { SLEEP } from '../paths';
import { Pm2 } from '../pm2';
import { waitUntil } from '../processes';
import { pairwiseRatio, summarize } from '../stats';
import { forEachRep, Scenario, withPm2 } from './scenario';

interface Pm2StartRep {
  readonly wallMs: number;
  /** One `pm2 ping`: what any pm2 command costs before the daemon does anything. */
  readonly roundTripMs: number;
}

/** pm2's side: `pm2 start ecosystem.json` with the same N sleeps, timed until the CLI returns. */
async function pm2Start(pm2: Pm2, workers: number, rep: number): Promise<Pm2StartRep> {
  const repMarker = newMarker('rep');
  try {
    const apps = Array.from({ length: workers }, (_, i) => ({
      name: `start-${i}`,
      script: SLEEP,
      args: ['1000'],
      env: { [MARKER_VAR]: repMarker },
    }));
    const file = await pm2.writeEcosystem(`start-${rep}.json`, apps);
    const startedAt = performance.now();
    await pm2.cli(['start', file]);
    const wallMs = performance.now() - startedAt;
    // Not timed: pm2 answers `start` once it has launched every app; this only confirms it.
    await waitUntil(
      'pm2 to list every app online',
      async () => (await pm2.jlist()).filter((p) => p.status === 'online').length === workers,
      30_000,
      200,
    );
    const pingAt = performance.now();
    await pm2.cli(['ping']);
    const roundTripMs = performance.now() - pingAt;
    await pm2.cli(['delete', 'all']);
    return { wallMs, roundTripMs };
  } finally {
    await killRepProcesses(repMarker);
  }
}

export const startManyScenario: Scenario = {
  number: 2,
  title: 'Start many workers',
  async run(config, problems) {
    const workers = config.startWorkers;
    const shepherd: StartManyResult[] = [];
    const pm2Reps: Pm2StartRep[] = [];
    await withPm2(problems, (pm2) =>
      forEachRep(config.reps, async (rep, shepherdFirst) => {
        const runShepherd = async (): Promise<void> => {
          const outcome = await runOnHost('start-many', { workers });
          problems.push(...outcome.problems);
          if (outcome.result.running !== workers) {
            throw new Error(`only ${outcome.result.running} of ${workers} workers were running`);
          }
          shepherd.push(outcome.result);
        };
        const runPm2 = async (): Promise<void> => {
          pm2Reps.push(await pm2Start(pm2, workers, rep));
        };
        for (const step of shepherdFirst ? [runShepherd, runPm2] : [runPm2, runShepherd]) {
          await step();
        }
      }),
    );
    const wall = shepherd.map((r) => r.wallMs);
    const pm2Wall = pm2Reps.map((r) => r.wallMs);
    const ratio = pairwiseRatio(wall, pm2Wall);
    return {
      rows: [
        {
          metric: `Start ${workers} workers until all run (ms)`,
          shepherd: summarize(wall),
          pm2: summarize(pm2Wall),
          ratio,
          goals: [{ text: '≤ 0.5× pm2', met: ratio.median <= 0.5 }],
        },
        {
          metric: 'pm2 CLI round trip, `pm2 ping` (ms), part of every pm2 figure',
          pm2: summarize(pm2Reps.map((r) => r.roundTripMs)),
        },
        { metric: 'Event-loop delay while starting, p99 (ms)', shepherd: summarize(shepherd.map((r) => r.loop.p99Ms)) },
      ],
      notes: [
        `Workers are \`${SLEEP} 1000\` for both tools. Shepherd: Promise.all of Supervisor.start() for every worker, each resolving once its process is spawned, admitted to the registry and its start token read; all ${workers} must report running.`,
        'pm2: `pm2 start ecosystem.json` (interpreter none, autorestart off), timed until the CLI returns; that every app is online is then checked with `pm2 jlist`, untimed.',
      ],
      details: { shepherd, pm2: pm2Reps },
    };
  },
};
