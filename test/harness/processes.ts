// Process bookkeeping for the harness: find what we started (by process group and by a marker
// environment variable, which survives setsid/detached children such as terminal shells) and end it.
// PID 1 in some containers does not reap orphans, so zombies (state Z) are ignored throughout.
import * as fs from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
  command: string;
}

const HAS_PROC = fs.existsSync('/proc/self/stat');

export function readProcInfo(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = stat.lastIndexOf(')');
  const open = stat.indexOf('(');
  if (close < 0 || open < 0) {
    return undefined;
  }
  const rest = stat.slice(close + 2).split(' ');
  let command = stat.slice(open + 1, close);
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    if (cmdline) {
      command = cmdline;
    }
  } catch {
    // gone or not readable: keep comm
  }
  return { pid, state: rest[0] ?? '?', ppid: Number(rest[1]), pgid: Number(rest[2]), command };
}

function allPids(): number[] {
  if (!HAS_PROC) {
    return [];
  }
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

function isLive(info: ProcInfo | undefined): info is ProcInfo {
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/** Live (non-zombie) processes whose environment contains `name=value`. */
export function findMarkedProcesses(name: string, value: string): ProcInfo[] {
  const needle = `${name}=${value}`;
  const found: ProcInfo[] = [];
  for (const pid of allPids()) {
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (!environ.split('\0').includes(needle)) {
      continue;
    }
    const info = readProcInfo(pid);
    if (isLive(info)) {
      found.push(info);
    }
  }
  return found;
}

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
  return allPids()
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
    for (const info of findMarkedProcesses(marker.name, marker.value)) {
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
