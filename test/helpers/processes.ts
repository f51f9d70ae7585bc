import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Every process a test starts carries a marker in its environment (children inherit it), so the
 * test can prove afterwards, from /proc, that nothing it started outlived it.
 */
export const MARKER_VAR = 'SHEPHERD_TEST_MARKER';

/**
 * A whole run (the unit tests, a code-server harness run, a bench run) marks everything it starts
 * with this one, in its own environment, so the end of the run can prove the same. It is a second
 * variable because a test's own marker, set on the processes it starts, replaces an inherited one.
 */
export const RUN_MARKER_VAR = 'SHEPHERD_TEST_RUN';

/** A fresh marker value, unique to one test. */
export function newMarker(): string {
  return `shepherd-test-${randomUUID()}`;
}

/** Absolute path of a file in test/fixtures, from the compiled test in out/test/**. */
export function fixture(name: string): string {
  return path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', name);
}

export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** proc(5)'s state letter: R, S, D, Z (zombie), X (dead), … */
  readonly state: string;
  /** The command line, or the executable's name when the command line cannot be read. */
  readonly command: string;
}

export const HAS_PROC = fs.existsSync('/proc/self/stat');

/** A /proc file of a process that may be gone by now (or belong to another user): undefined then. */
function readProcFile(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') {
      return undefined;
    }
    throw error;
  }
}

/** The process's stat and command line, or undefined once it is gone. */
export function readProcInfo(pid: number): ProcInfo | undefined {
  const stat = readProcFile(pid, 'stat');
  const open = stat?.indexOf('(') ?? -1;
  const close = stat?.lastIndexOf(')') ?? -1;
  if (stat === undefined || open < 0 || close < 0) {
    return undefined;
  }
  const fields = stat.slice(close + 2).split(' ');
  const command = (readProcFile(pid, 'cmdline') ?? '').split('\0').join(' ').trim();
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    command: command || stat.slice(open + 1, close),
  };
}

/** Every pid in /proc but this process's own; none where there is no /proc. */
export function otherPids(): number[] {
  if (!HAS_PROC) {
    return [];
  }
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/**
 * Zombies are not alive: on this machine PID 1 does not reap orphans, so a killed grandchild stays
 * a zombie, holding nothing but a process-table slot.
 */
export function isLive(info: ProcInfo | undefined): info is ProcInfo {
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
}

/**
 * Live processes whose environment holds exactly `variable=value`. Synchronous, so a process 'exit'
 * handler can use it too; /proc files live in memory, a scan takes milliseconds.
 */
export function scanMarked(value: string, variable: string = MARKER_VAR): ProcInfo[] {
  const entry = `${variable}=${value}`;
  const found: ProcInfo[] = [];
  for (const pid of otherPids()) {
    if (readProcFile(pid, 'environ')?.split('\0').includes(entry)) {
      const info = readProcInfo(pid);
      if (isLive(info)) {
        found.push(info);
      }
    }
  }
  return found;
}

/** PIDs of the live processes that carry the marker. */
export async function findMarked(value: string, variable: string = MARKER_VAR): Promise<number[]> {
  return scanMarked(value, variable).map((info) => info.pid);
}

/** SIGKILLs whatever carries the marker: the cleanup of last resort, run even when a test failed. */
export async function killMarked(value: string, variable: string = MARKER_VAR): Promise<number[]> {
  const pids = await findMarked(value, variable);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
        throw error;
      }
    }
  }
  return pids;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
