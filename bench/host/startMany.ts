import { performance } from 'node:perf_hooks';
import { LoopDelayProbe } from '../eventLoop';
import { SLEEP } from '../paths';
import { benchDefinition, HostContext, withSupervisor } from './context';
import { StartManyParams, StartManyResult } from './protocol';

/**
 * Scenario 2, Shepherd's side: N workers started at once, timed until every start() has resolved
 * with the worker running (spawned, admitted to the registry, its start token read).
 */
export async function startMany(context: HostContext, params: StartManyParams): Promise<StartManyResult> {
  return withSupervisor(context, {}, async (supervisor) => {
    const ids = Array.from({ length: params.workers }, (_, i) => `start-${i}`);
    for (const id of ids) {
      // sleep dies on SIGTERM: the stop afterwards is quick and not part of this scenario.
      supervisor.upsert(benchDefinition(id, SLEEP, ['1000'], { graceMs: 1_000 }));
    }
    const probe = new LoopDelayProbe();
    probe.start();
    const startedAt = performance.now();
    const views = await Promise.all(ids.map((id) => supervisor.start(id)));
    const wallMs = performance.now() - startedAt;
    const loop = probe.stop();
    const running = views.filter((view) => view.state === 'running').length;
    await supervisor.stopAll({ graceMs: 1_000 });
    return { wallMs, running, loop };
  });
}
