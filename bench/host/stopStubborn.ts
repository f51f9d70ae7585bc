import { performance } from 'node:perf_hooks';
import { LoopDelayProbe } from '../eventLoop';
import { findRepProcesses } from '../orphans';
import { fixture, SH } from '../paths';
import { sleep, waitUntil } from '../processes';
import { benchDefinition, HostContext, withSupervisor } from './context';
import { StopStubbornParams, StopStubbornResult } from './protocol';

/** Lets spawn-time work (pipes opening, first ticks, garbage) settle before the clock starts. */
const SETTLE_MS = 300;

/**
 * Scenario 1, Shepherd's side: N shells that ignore SIGTERM, each with two sleeping children, are
 * stopped together with stopAll and one grace period. Measured: the wall time of stopAll, the
 * event-loop delay while it runs, and the marked processes still alive when it resolves.
 */
export async function stopStubborn(context: HostContext, params: StopStubbornParams): Promise<StopStubbornResult> {
  return withSupervisor(context, {}, async (supervisor) => {
    const ids = Array.from({ length: params.workers }, (_, i) => `stubborn-${i}`);
    for (const id of ids) {
      supervisor.upsert(benchDefinition(id, SH, [fixture('stubborn.sh')], { graceMs: params.graceMs }));
    }
    await Promise.all(ids.map((id) => supervisor.start(id)));
    // "ready" is printed after both sleeps were forked, so every group is complete once all said it.
    await waitUntil(
      'every stubborn worker to print ready',
      () => ids.every((id) => supervisor.output(id).some((line) => line.text === 'ready')),
      30_000,
    );
    const processesBefore = (await findRepProcesses(context.repMarker)).length;
    await sleep(SETTLE_MS);

    const probe = new LoopDelayProbe();
    probe.start();
    const startedAt = performance.now();
    const results = await supervisor.stopAll({ graceMs: params.graceMs });
    const wallMs = performance.now() - startedAt;
    const loop = probe.stop();
    const orphans = (await findRepProcesses(context.repMarker)).length;

    const outcomes: Record<string, number> = {};
    for (const result of results) {
      outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    }
    return { wallMs, loop, orphans, processesBefore, outcomes };
  });
}
