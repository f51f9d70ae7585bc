import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

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
 * Looks at every process in turn for the environment entry `variable=value`, yielding after each
 * one: a live match, or undefined. Synchronous reads (/proc files live in memory) let the harness's
 * process 'exit' hook scan too; the pauses let an async caller give the event loop its turns.
 */
function* scanProcesses(value: string, variable: string): Generator<ProcInfo | undefined> {
  const entry = `${variable}=${value}`;
  for (const pid of otherPids()) {
    const info = readProcFile(pid, 'environ')?.split('\0').includes(entry) ? readProcInfo(pid) : undefined;
    yield isLive(info) ? info : undefined;
  }
}

/** Live processes whose environment holds exactly `variable=value`, found in one blocking scan. */
export function scanMarked(value: string, variable: string = MARKER_VAR): ProcInfo[] {
  return [...scanProcesses(value, variable)].filter(isLive);
}

/**
 * A /proc scan takes tens of ms on a loaded machine; tests that bound the event loop's delay poll
 * for marked processes, so the async scan hands the loop a turn at least this often.
 */
const SCAN_SLICE_MS = 2;

/** PIDs of the live processes that carry the marker, found without holding the event loop. */
export async function findMarked(value: string, variable: string = MARKER_VAR): Promise<number[]> {
  const found: number[] = [];
  let sliceStart = performance.now();
  for (const info of scanProcesses(value, variable)) {
    if (info) {
      found.push(info.pid);
    }
    if (performance.now() - sliceStart > SCAN_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return found;
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

/**
 * SIGKILLs a process a test left running on purpose (an escapee of its group), and waits until it is
 * gone: the kill takes a moment to land on a loaded machine, and the leak check after the test would
 * count it until it has.
 */
export async function killLeftRunning(pid: number, marker: string): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await waitFor(`pid ${pid} to die`, async () => ((await findMarked(marker)).includes(pid) ? undefined : true));
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
