import { latencyGoal } from '../report';
import { runOnHost } from '../hostClient';
import { summarize } from '../stats';
import { Scenario } from './scenario';

export const sweepScenario: Scenario = {
  number: 5,
  title: 'Registry sweep under concurrent reads',
  async run(config, problems) {
    const outcome = await runOnHost('sweep', {
      entries: config.sweepEntries,
      deadPerRep: config.sweepDeadPerRep,
      sweeps: config.sweepsPerRep,
      reps: config.reps,
    });
    problems.push(...outcome.problems);
    const reps = outcome.result.reps;
    const maxWait = summarize(reps.map((r) => r.maxWaitMs));
    const floor = summarize(reps.map((r) => r.baselineMaxWaitMs));
    return {
      rows: [
        {
          metric: `get + list wait during sweepDead over ${config.sweepEntries} entries, max (ms)`,
          shepherd: maxWait,
          goals: [latencyGoal('< 1 ms', 1, maxWait.median, floor.median)],
        },
        { metric: 'get + list wait during sweepDead, p99 (ms)', shepherd: summarize(reps.map((r) => r.p99WaitMs)) },
        { metric: 'Noise floor: the same reader with no sweep running, max (ms)', shepherd: floor },
        {
          metric: 'Noise floor: the same reader with no sweep running, p99 (ms)',
          shepherd: summarize(reps.map((r) => r.baselineP99WaitMs)),
        },
        { metric: 'One sweepDead over the full registry (ms)', shepherd: summarize(reps.map((r) => r.sweepMs)) },
      ],
      notes: [
        `A SpawnRegistry of capacity ${config.sweepEntries} is filled with real \`sleep\` processes. Before each repetition ${config.sweepDeadPerRep} of them are killed and reaped; then ${config.sweepsPerRep} sweeps run, each in a turn of the event loop of its own as the supervisor's tick runs it (the first removes the dead under the admission lock, the rest find none), and the killed entries are refilled afterwards.`,
        'Throughout, a reader asks get(id) and list() through setImmediate, one ask after the other; the wait is from the ask to the answer, so it includes any time the sweep kept the event loop busy. Reads never take the admission lock. For 100 ms before the sweeps the same reader runs alone: that is the noise floor of the machine (the OS and the hypervisor can keep a ready thread off the CPU for milliseconds). pm2 has no equivalent operation.',
        `Reads answered during the sweeps, per repetition: ${reps.map((r) => r.reads).join(', ')}; entries removed per repetition: ${reps.map((r) => r.removed).join(', ')}.`,
      ],
      details: outcome.result,
    };
  },
};
