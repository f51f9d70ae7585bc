import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';

/** The fields of /proc/<pid>/stat that supervision needs. Times are in clock ticks. */
export interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
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
  return {
    pid,
    state: fields[0],
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    utimeTicks: Number(fields[11]),
    stimeTicks: Number(fields[12]),
    startTimeTicks: Number(fields[19]),
    rssPages: Number(fields[21]),
  };
}

function isMissingProcess(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/** Reads one process's stat, or undefined when the process no longer exists. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(pid, await fs.readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch (error) {
    if (isMissingProcess(error)) {
      return undefined;
    }
    throw error;
  }
}

async function scanProcTable(): Promise<ProcStat[]> {
  const names = await fs.readdir('/proc');
  const pids = names.filter((name) => /^\d+$/.test(name)).map(Number);
  const stats = await Promise.all(pids.map((pid) => readProcStat(pid)));
  return stats.filter((stat): stat is ProcStat => stat !== undefined);
}

/**
 * Callers that ask in the same turn of the event loop (fifty groups being stopped at once, the
 * metrics tick) share one scan. A caller never gets a scan that began before it asked: such a scan
 * could miss a process created just before the call and make a live group look dead.
 */
let nextScan: Promise<ProcStat[]> | undefined;

/** A snapshot of every process on a Linux host, read after this call was made. */
export function readProcTable(): Promise<ProcStat[]> {
  nextScan ??= new Promise<ProcStat[]>((resolve, reject) => {
    setImmediate(() => {
      nextScan = undefined;
      scanProcTable().then(resolve, reject);
    });
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
