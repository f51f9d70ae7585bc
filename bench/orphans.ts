import { randomUUID } from 'node:crypto';
import { findMarked, killMarked, MARKER_VAR, RUN_MARKER_VAR } from '../test/helpers/processes';

/*
 * Everything the bench spawns (agents, the pm2 CLI and daemon, every worker and, by inheritance,
 * every grandchild) carries RUN_MARKER_VAR with the run's id, so the final cleanup can find and kill
 * whatever outlived the run, whichever tool started it. Only the workers of one repetition carry
 * MARKER_VAR (never the supervisor or the pm2 daemon), as only the processes of one test do in the
 * tests, so the processes found with it once a stop has returned are exactly the orphans that stop left.
 */

export function newMarker(kind: 'run' | 'rep'): string {
  return `shepherd-bench-${kind}-${randomUUID()}`;
}

/**
 * Live processes of one repetition. Zombies are not counted: PID 1 on this machine does not reap,
 * so every killed grandchild stays a zombie (state Z) holding nothing but a process-table slot.
 */
export function findRepProcesses(repMarker: string): Promise<number[]> {
  return findMarked(repMarker, MARKER_VAR);
}

/** SIGKILLs every live process of a repetition: the cleanup between repetitions, not a measurement. */
export function killRepProcesses(repMarker: string): Promise<number[]> {
  return killMarked(repMarker, MARKER_VAR);
}

/** SIGKILLs every live process the run started: the last resort of the run's cleanup. */
export function killRunProcesses(runMarker: string): Promise<number[]> {
  return killMarked(runMarker, RUN_MARKER_VAR);
}

export function findRunProcesses(runMarker: string): Promise<number[]> {
  return findMarked(runMarker, RUN_MARKER_VAR);
}
