import { execFile } from 'node:child_process';
import { closeSync, promises as fs, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { errnoCode } from '../../shared/untrusted';

/** The fields of /proc/<pid>/stat that supervision needs. Times are in clock ticks. */
export interface ProcStat {
  readonly pid: number;
  /** The executable's name, as the kernel keeps it (at most 15 characters). */
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  /** The session id: a process that called setsid() leads a new one. */
  readonly session: number;
  readonly utimeTicks: number;
  readonly stimeTicks: number;
  readonly startTimeTicks: number;
  readonly rssPages: number;
}

export const HAS_PROCFS = process.platform === 'linux';

/** Linux exposes these through sysconf; the values below are what every mainstream Linux build uses. */
export const CLOCK_TICKS_PER_SECOND = 100;
export const PAGE_SIZE_BYTES = 4096;

/**
 * Parses one /proc/<pid>/stat line. The command name sits in parentheses and may itself contain
 * spaces and parentheses, so fields are counted from the last ')'.
 */
export function parseProcStat(pid: number, text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) {
    return undefined;
  }
  // fields[0] is field 3 (state) in proc(5)'s numbering.
  const fields = text.slice(close + 2).split(' ');
  if (fields.length < 22) {
    return undefined;
  }
  const open = text.indexOf('(');
  return {
    pid,
    comm: open >= 0 && open < close ? text.slice(open + 1, close) : '',
    state: fields[0],
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
    utimeTicks: Number(fields[11]),
    stimeTicks: Number(fields[12]),
    startTimeTicks: Number(fields[19]),
    rssPages: Number(fields[21]),
  };
}

function isMissingProcess(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ESRCH';
}

/**
 * Longest stretch of /proc reads before the event loop gets a turn. Files in /proc live in memory:
 * reading one is a short system call (about 20 µs) that never waits for a disk, whereas the async
 * fs API sends each file through the libuv thread pool in four round trips, costing ten times the
 * CPU, and hundreds of them completing together (a /proc scan) held the loop for tens of ms. So
 * stat files are read synchronously, in slices this long, queued across all callers.
 */
export const PROC_READ_SLICE_MS = 0.25;

interface StatRequest {
  readonly pid: number;
  readonly resolve: (stat: ProcStat | undefined) => void;
  readonly reject: (error: unknown) => void;
}

const statQueue: StatRequest[] = [];
let sliceScheduled = false;

/** A stat line is a few hundred bytes; one buffer serves every read (they are synchronous). */
const statBuffer = Buffer.alloc(4096);

/** open + one read + close: a third fewer system calls than readFileSync, which also fstat()s. */
function readStatText(pid: number): string {
  const fd = openSync(`/proc/${pid}/stat`, 'r');
  try {
    const length = readSync(fd, statBuffer, 0, statBuffer.length, 0);
    return statBuffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

function readStatNow(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(pid, readStatText(pid));
  } catch (error) {
    if (isMissingProcess(error)) {
      return undefined;
    }
    throw error;
  }
}

/**
 * One stat read, synchronously, for start-up code that needs an answer before anything is awaited
 * (a host naming itself in its workers' environment). Undefined off Linux or when the process is gone.
 */
export function readProcStatSync(pid: number): ProcStat | undefined {
  return HAS_PROCFS ? readStatNow(pid) : undefined;
}

function runStatSlice(): void {
  sliceScheduled = false;
  const deadline = performance.now() + PROC_READ_SLICE_MS;
  let request = statQueue.shift();
  while (request) {
    try {
      request.resolve(readStatNow(request.pid));
    } catch (error) {
      request.reject(error);
    }
    request = performance.now() < deadline ? statQueue.shift() : undefined;
  }
  if (statQueue.length > 0) {
    scheduleStatSlice();
  }
}

function scheduleStatSlice(): void {
  if (!sliceScheduled) {
    sliceScheduled = true;
    setImmediate(runStatSlice);
  }
}

/** Reads one process's stat, or undefined when the process no longer exists. */
export function readProcStat(pid: number): Promise<ProcStat | undefined> {
  return new Promise((resolve, reject) => {
    statQueue.push({ pid, resolve, reject });
    scheduleStatSlice();
  });
}

/** Reads many stats through the same slices as readProcStat, with one promise for all of them. */
function readProcStats(pids: readonly number[]): Promise<ProcStat[]> {
  return new Promise((resolve, reject) => {
    const stats: ProcStat[] = [];
    let remaining = pids.length;
    let failed = false;
    if (remaining === 0) {
      resolve(stats);
      return;
    }
    const done = (stat: ProcStat | undefined): void => {
      if (stat) {
        stats.push(stat);
      }
      remaining -= 1;
      if (remaining === 0 && !failed) {
        resolve(stats);
      }
    };
    const fail = (error: unknown): void => {
      if (!failed) {
        failed = true;
        reject(error);
      }
    };
    for (const pid of pids) {
      statQueue.push({ pid, resolve: done, reject: fail });
    }
    scheduleStatSlice();
  });
}

async function scanProcTable(): Promise<ProcStat[]> {
  const names = await fs.readdir('/proc');
  return readProcStats(names.filter((name) => /^\d+$/.test(name)).map(Number));
}

/**
 * How long a scan waits for more callers before it starts. Fifty groups killed together probe a few
 * milliseconds apart (each on its own timer); without this wait each would pay for a full scan.
 */
export const PROC_SCAN_GATHER_MS = 10;

/**
 * Callers that ask within PROC_SCAN_GATHER_MS of each other (fifty groups being stopped at once,
 * the metrics tick) share one scan. A caller never gets a scan that began before it asked: such a
 * scan could miss a process created just before the call and make a live group look dead.
 */
let nextScan: Promise<ProcStat[]> | undefined;

/** A snapshot of every process on a Linux host, read after this call was made. */
export function readProcTable(): Promise<ProcStat[]> {
  nextScan ??= new Promise<ProcStat[]>((resolve, reject) => {
    setTimeout(() => {
      nextScan = undefined;
      scanProcTable().then(resolve, reject);
    }, PROC_SCAN_GATHER_MS);
  });
  return nextScan;
}

/** Runs `ps` without a shell and resolves with its stdout. Used where /proc does not exist (macOS, BSD). */
export function runPs(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ps', [...args], { timeout: 5_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout) => {
      // ps exits 1 when a -p filter matched nothing; that is an empty answer, not a failure.
      if (error && !(typeof error.code === 'number' && error.code === 1 && stdout === '')) {
        reject(error);
        return;
      }
      resolve(stdout);
    });
  });
}

/**
 * An opaque token that identifies one incarnation of a process: the kernel start time on Linux,
 * `ps`'s start timestamp elsewhere. Two processes with the same PID have different tokens.
 */
export async function readStartToken(pid: number): Promise<string | undefined> {
  if (HAS_PROCFS) {
    const stat = await readProcStat(pid);
    return stat ? `ticks:${stat.startTimeTicks}` : undefined;
  }
  if (process.platform === 'win32') {
    return undefined;
  }
  const out = (await runPs(['-o', 'lstart=', '-p', String(pid)])).trim();
  return out === '' ? undefined : `lstart:${out}`;
}
