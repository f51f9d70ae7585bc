import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import { DEFAULT_POLL_MS, terminateGroup } from '../process/processGroup';
import { HAS_PROCFS, readProcStat } from '../process/procfs';
import { HostIdentity, isHostAlive, OWNER_MARK_VAR, parseOwnerMark } from './ownerMark';

/**
 * Finds, in /proc, the processes whose environment carries the owner mark of an extension host
 * that no longer runs, whatever any status file says, and stops them. Children inherit the mark,
 * so this also finds descendants that left their worker's group with setsid(). Linux only: other
 * systems do not show another process's environment cheaply (the README says what that leaves).
 */

/** A live process carrying the mark of a dead host, as found by a scan. */
export interface MarkedProcess {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  readonly startTimeTicks: number;
  readonly owner: HostIdentity;
}

export type MarkedOutcome = 'terminated' | 'gone' | 'pid-reused';

export interface MarkedReport {
  readonly process: MarkedProcess;
  /** 'group': it led a worker's group, stopped as a whole; 'escapee': it had left its group. */
  readonly kind: 'group' | 'escapee';
  readonly outcome: MarkedOutcome;
}

/** Environments are read this many at a time: enough to keep the thread pool busy, few enough to share it. */
const ENVIRON_READS_AT_ONCE = 16;

async function readOwnerMark(pid: number): Promise<string | undefined> {
  let environ: string;
  try {
    environ = await fs.readFile(`/proc/${pid}/environ`, 'latin1');
  } catch (error) {
    // Gone since readdir, or another user's process: neither can be ours.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES' || code === 'EPERM') {
      return undefined;
    }
    throw error;
  }
  // Variables are NUL-separated; a leading NUL lets the first one match like the others.
  const padded = `\0${environ}`;
  const needle = `\0${OWNER_MARK_VAR}=`;
  const at = padded.indexOf(needle);
  if (at < 0) {
    return undefined;
  }
  const end = padded.indexOf('\0', at + needle.length);
  return padded.slice(at + needle.length, end < 0 ? undefined : end);
}

/** Every live process carrying the owner mark of a host that is no longer alive. */
export async function findMarkedOrphans(): Promise<MarkedProcess[]> {
  if (!HAS_PROCFS) {
    return [];
  }
  const pids = (await fs.readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const ownerAlive = new Map<string, Promise<boolean>>();
  const found: MarkedProcess[] = [];
  const inspect = async (pid: number): Promise<void> => {
    const mark = pid === process.pid ? undefined : await readOwnerMark(pid);
    const owner = mark === undefined ? undefined : parseOwnerMark(mark);
    if (mark === undefined || !owner) {
      return;
    }
    let alive = ownerAlive.get(mark);
    if (!alive) {
      alive = isHostAlive(owner);
      ownerAlive.set(mark, alive);
    }
    if (await alive) {
      return;
    }
    const stat = await readProcStat(pid);
    if (stat && stat.state !== 'Z') {
      const { comm, ppid, pgrp, session, startTimeTicks } = stat;
      found.push({ pid, comm, ppid, pgrp, session, startTimeTicks, owner });
    }
  };
  for (let i = 0; i < pids.length; i += ENVIRON_READS_AT_ONCE) {
    await Promise.all(pids.slice(i, i + ENVIRON_READS_AT_ONCE).map(inspect));
  }
  return found;
}

/** True while `pid` is still the process the scan found (same start time, not a zombie). */
async function isSameProcess(found: MarkedProcess): Promise<boolean> {
  const stat = await readProcStat(found.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.startTimeTicks === found.startTimeTicks;
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      throw error;
    }
  }
}

/** SIGTERM, the grace, SIGKILL to one process, each signal only after its start time is checked again. */
async function terminateProcess(found: MarkedProcess, graceMs: number): Promise<MarkedOutcome> {
  if (!(await isSameProcess(found))) {
    return 'pid-reused';
  }
  sendSignal(found.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, DEFAULT_POLL_MS));
    if (!(await isSameProcess(found))) {
      return 'terminated';
    }
  }
  if (await isSameProcess(found)) {
    sendSignal(found.pid, 'SIGKILL');
  }
  return 'terminated';
}

async function terminateMarkedGroup(leader: MarkedProcess, graceMs: number): Promise<MarkedOutcome> {
  if (!(await isSameProcess(leader))) {
    return 'pid-reused';
  }
  const result = await terminateGroup(leader.pid, { graceMs });
  return result.outcome === 'already-gone' ? 'gone' : 'terminated';
}

/**
 * How a marked process relates to its worker: 'group' when it leads a group its marked parent is
 * not in (a worker's leader, whose parent was the dead host) or is left in a group whose leader is
 * gone, 'escapee' when it left its marked parent's group (setsid, setpgid), 'member' when a marked
 * leader's group stop reaches it anyway.
 */
function roleOf(proc: MarkedProcess, byPid: ReadonlyMap<number, MarkedProcess>): 'group' | 'escapee' | 'member' {
  const parent = byPid.get(proc.ppid);
  if (proc.pgrp === proc.pid) {
    return parent && parent.pgrp !== proc.pgrp ? 'escapee' : 'group';
  }
  return byPid.get(proc.pgrp)?.pgrp === proc.pgrp ? 'member' : 'group';
}

/**
 * Stops what a scan found, concurrently: a process that leads its own group is stopped with its
 * whole group (which also ends the group's other members); one whose group has no marked leader is
 * stopped on its own. `skipGroups` are groups another recovery path is stopping already.
 */
export async function reapMarked(
  found: readonly MarkedProcess[],
  graceMs: number,
  skipGroups: ReadonlySet<number> = new Set(),
): Promise<MarkedReport[]> {
  const byPid = new Map(found.map((proc) => [proc.pid, proc]));
  const work: Array<Promise<MarkedReport>> = [];
  for (const proc of found) {
    const role = roleOf(proc, byPid);
    if (skipGroups.has(proc.pgrp) || role === 'member') {
      continue;
    }
    const stop = proc.pgrp === proc.pid ? terminateMarkedGroup(proc, graceMs) : terminateProcess(proc, graceMs);
    work.push(stop.then((outcome) => ({ process: proc, kind: role, outcome })));
  }
  return Promise.all(work);
}

/** How many workers and escaped processes reapMarked will stop, for progress shown before it starts. */
export function countMarkedTargets(found: readonly MarkedProcess[], skipGroups: ReadonlySet<number>): number {
  const byPid = new Map(found.map((proc) => [proc.pid, proc]));
  return found.filter((proc) => !skipGroups.has(proc.pgrp) && roleOf(proc, byPid) !== 'member').length;
}

/** One line for the activity log about what the scan did to one process. */
export function describeMarked(report: MarkedReport): string {
  const { process: proc, kind, outcome } = report;
  // A noun phrase naming the process, so each outcome below stays one sentence with it as the subject.
  const who = l10n.t('pid {pid} ({comm}), started by a previous window (extension host {host})', {
    pid: proc.pid,
    comm: proc.comm,
    host: proc.owner.pid,
  });
  if (outcome === 'pid-reused') {
    return l10n.t('{0}: its PID now belongs to another process; left alone', who);
  }
  if (kind === 'group') {
    return l10n.t('{0} and found by its owner mark, was still running with its group and has been stopped', who);
  }
  return proc.session === proc.pid
    ? l10n.t("{0} had left its worker's group with setsid() but kept the owner mark; it has been stopped", who)
    : l10n.t(
        "{0} had left its worker's group for process group {1} but kept the owner mark; it has been stopped",
        who,
        proc.pgrp,
      );
}
