import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { readStartToken } from '../../src/core/process/procfs';
import { SpawnRegistry } from '../../src/core/process/spawnRegistry';
import { killRepProcesses } from '../orphans';
import { MARKER_VAR } from '../../test/helpers/processes';
import { SLEEP } from '../paths';
import { sleep } from '../processes';
import { maxOf, median, percentile } from '../stats';
import { HostContext } from './context';
import { ReadProbe } from './readProbe';
import { SweepParams, SweepRep, SweepResult } from './protocol';

/** How long the reader runs alone before each repetition's sweeps, as the machine's baseline. */
const BASELINE_MS = 100;

/**
 * Scenario 5: a full SpawnRegistry (real sleeping processes) is swept again and again while reads
 * (get of one entry, list of all) are asked continuously. Before each repetition some processes
 * are killed and reaped, so the first sweep has entries to remove under the admission lock.
 * Reads never take that lock; this shows they never wait for it, nor for the sweep's /proc reads.
 */
export async function sweep(context: HostContext, params: SweepParams): Promise<SweepResult> {
  const registry = new SpawnRegistry(params.entries);
  const children = new Map<string, ChildProcess>();
  const env = { ...process.env, [MARKER_VAR]: context.repMarker };
  const ids = Array.from({ length: params.entries }, (_, i) => `entry-${i}`);

  const admit = (id: string): Promise<unknown> =>
    registry.admit(id, id, async () => {
      const child = spawn(SLEEP, ['100000'], { env, stdio: 'ignore', detached: true });
      await once(child, 'spawn');
      children.set(id, child);
      const pid = child.pid as number;
      return { pid, startToken: await readStartToken(pid) };
    });

  try {
    for (const id of ids) {
      await admit(id);
    }
    const reps: SweepRep[] = [];
    const dead = Math.min(params.deadPerRep, ids.length);
    for (let rep = 0; rep < params.reps; rep++) {
      // A different slice each repetition, so every part of the map gets swept out once.
      const first = (rep * dead) % (ids.length - dead + 1);
      const victims = ids.slice(first, first + dead);
      // Reaped (the exit event has fired), so the sweep finds them gone, not zombies.
      await Promise.all(
        victims.map(async (id) => {
          const child = children.get(id) as ChildProcess;
          const exited = once(child, 'exit');
          child.kill('SIGKILL');
          await exited;
        }),
      );

      let cursor = 0;
      const probe = new ReadProbe(() => {
        registry.get(ids[cursor++ % ids.length]);
        registry.list();
      });
      probe.start();
      await sleep(BASELINE_MS);
      const baseline = probe.drain();
      const sweepMs: number[] = [];
      let removed = 0;
      for (let i = 0; i < params.sweeps; i++) {
        // Each sweep in a turn of its own, as the supervisor's tick runs it: reads are asked between
        // sweeps, and whatever a sweep does synchronously is what they have to wait for.
        await new Promise((resolve) => setImmediate(resolve));
        const startedAt = performance.now();
        removed += (await registry.sweepDead()).length;
        sweepMs.push(performance.now() - startedAt);
      }
      const waits = await probe.stop();
      reps.push({
        maxWaitMs: maxOf(waits),
        p99WaitMs: percentile(waits, 99),
        baselineMaxWaitMs: maxOf(baseline),
        baselineP99WaitMs: percentile(baseline, 99),
        reads: waits.length,
        sweepMs: median(sweepMs),
        removed,
      });
      for (const id of victims) {
        await admit(id);
      }
    }
    return { reps };
  } finally {
    for (const child of children.values()) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
      }
    }
    await killRepProcesses(context.repMarker);
  }
}
