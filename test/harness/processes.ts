// Process bookkeeping for the harness: find what we started (by process group and by a marker
// environment variable, which survives setsid/detached children such as terminal shells) and end it.
// PID 1 in some containers does not reap orphans, so zombies (state Z) are ignored throughout.
import { HAS_PROC, isLive, otherPids, ProcInfo, readProcInfo, scanMarked } from '../helpers/processes';

/** Live (non-zombie) members of a process group. Without /proc, reports the leader if the group still answers. */
export function groupMembers(pgid: number): ProcInfo[] {
  if (!HAS_PROC) {
    try {
      process.kill(-pgid, 0);
      return [{ pid: pgid, ppid: 0, pgid, state: '?', command: '(process group)' }];
    } catch {
      return [];
    }
  }
  return otherPids()
    .map(readProcInfo)
    .filter(isLive)
    .filter((info) => info.pgid === pgid);
}

function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch {
    // already gone
  }
}

export interface Targets {
  /** Process groups to signal as a whole. */
  pgids: number[];
  /** Marker `name=value` pairs; every live process carrying one is signalled individually. */
  markers: Array<{ name: string; value: string }>;
}

export function survivors(targets: Targets): ProcInfo[] {
  const byPid = new Map<number, ProcInfo>();
  for (const pgid of targets.pgids) {
    for (const info of groupMembers(pgid)) {
      byPid.set(info.pid, info);
    }
  }
  for (const marker of targets.markers) {
    for (const info of scanMarked(marker.value, marker.name)) {
      byPid.set(info.pid, info);
    }
  }
  return [...byPid.values()];
}

function signalAll(targets: Targets, sig: NodeJS.Signals): void {
  for (const pgid of targets.pgids) {
    signal(-pgid, sig);
  }
  for (const info of survivors(targets)) {
    signal(info.pid, sig);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitGone(targets: Targets, ms: number): Promise<ProcInfo[]> {
  const deadline = Date.now() + ms;
  let left = survivors(targets);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = survivors(targets);
  }
  return left;
}

/**
 * SIGTERM every target, wait up to `graceMs`, SIGKILL whatever is left, wait again.
 * Returns the processes that still survive (normally none).
 */
export async function terminate(targets: Targets, graceMs = 5000): Promise<ProcInfo[]> {
  signalAll(targets, 'SIGTERM');
  if ((await waitGone(targets, graceMs)).length === 0) {
    return [];
  }
  signalAll(targets, 'SIGKILL');
  return waitGone(targets, 5000);
}

/** Synchronous last-resort SIGKILL (for process 'exit' handlers, where nothing async can run). */
export function killNow(targets: Targets): void {
  signalAll(targets, 'SIGKILL');
}

export function describe(infos: ProcInfo[]): string {
  return infos.map((info) => `${info.pid} [${info.state}] ${info.command.slice(0, 160)}`).join('\n  ');
}
