import { randomUUID } from 'node:crypto';
import { findMarked, killMarked } from '../test/helpers/processes';

/**
 * Everything the bench spawns (agents, the pm2 CLI and daemon, every worker and, by inheritance,
 * every grandchild) carries this variable with the run's id, so the final cleanup can find and kill
 * whatever outlived the run, whichever tool started it.
 */
export const RUN_MARKER_VAR = 'SHEPHERD_BENCH_MARKER';

/**
 * Only the workers of one repetition carry this one (never the supervisor or the pm2 daemon), so
 * the processes found with it once a stop has returned are exactly the orphans that stop left.
 */
export const REP_MARKER_VAR = 'SHEPHERD_BENCH_REP';

export function newMarker(kind: 'run' | 'rep'): string {
  return `shepherd-bench-${kind}-${randomUUID()}`;
}

/**
 * Live processes of one repetition. Zombies are not counted: PID 1 on this machine does not reap,
 * so every killed grandchild stays a zombie (state Z) holding nothing but a process-table slot.
 */
export function findRepProcesses(repMarker: string): Promise<number[]> {
  return findMarked(repMarker, REP_MARKER_VAR);
}

/** SIGKILLs every live process of a repetition: the cleanup between repetitions, not a measurement. */
export function killRepProcesses(repMarker: string): Promise<number[]> {
  return killMarked(repMarker, REP_MARKER_VAR);
}

/** SIGKILLs every live process the run started: the last resort of the run's cleanup. */
export function killRunProcesses(runMarker: string): Promise<number[]> {
  return killMarked(runMarker, RUN_MARKER_VAR);
}

export function findRunProcesses(runMarker: string): Promise<number[]> {
  return findMarked(runMarker, RUN_MARKER_VAR);
}
