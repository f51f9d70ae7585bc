import * as l10n from '@vscode/l10n';
import { execFile, spawnSync } from 'node:child_process';
import { HAS_PROCFS, readProcStat, readProcTable } from './procfs';
import { errnoCode } from '../../shared/untrusted';

/** Five seconds is long enough for servers to flush and close sockets, short enough that a stop feels prompt. */
export const DEFAULT_GRACE_MS = 5_000;
/** Ten probes a second keeps a stop responsive while costing one syscall per group per probe. */
export const DEFAULT_POLL_MS = 100;
/**
 * After SIGKILL the kernel tears a group down within milliseconds; a group still present after this
 * long has a process stuck in uninterruptible sleep, and waiting longer would only hang the caller.
 */
export const KILL_CONFIRM_MS = 3_000;
/**
 * SIGKILL cannot be caught, so a group is usually gone a few milliseconds later: the first check
 * comes this soon instead of a whole poll interval later, which would only delay the caller.
 */
export const KILL_FIRST_PROBE_MS = 10;

export const IS_WINDOWS = process.platform === 'win32';

export type TerminationOutcome =
  /** The group was gone before any signal was sent. */
  | 'already-gone'
  /** Every process left during the grace period after SIGTERM (or taskkill without /F). */
  | 'exited'
  /** SIGKILL was needed. */
  | 'killed'
  /** Even SIGKILL did not clear the group in time (a process in uninterruptible sleep). */
  | 'survived';

export interface TerminationResult {
  readonly pgid: number;
  readonly outcome: TerminationOutcome;
  readonly elapsedMs: number;
}

/** What a termination did, in words for the activity log and the worker's output ("after 3,027 ms"). */
export function describeTermination(result: TerminationResult): string {
  const elapsed = result.elapsedMs.toLocaleString('en-US');
  switch (result.outcome) {
    case 'already-gone':
      return l10n.t('its processes were already gone');
    case 'exited':
      return l10n.t('exited on SIGTERM in {0} ms', elapsed);
    case 'killed':
      return l10n.t('killed with SIGKILL after {0} ms', elapsed);
    case 'survived':
      return l10n.t('some processes survived SIGKILL (uninterruptible sleep?) after {0} ms', elapsed);
  }
}

export interface TerminateOptions {
  /** How long the group gets between SIGTERM and SIGKILL. */
  readonly graceMs?: number;
  /** How often liveness is probed. */
  readonly pollMs?: number;
  /** Aborting skips what is left of the grace period and sends SIGKILL at once. */
  readonly forceKill?: AbortSignal;
}

/**
 * Sends a signal to every process in a group. Returns false when the group no longer exists.
 * EPERM means the group exists but holds a process we may not signal: still "present".
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  return signalTarget(-pgid, signal);
}

/** kill(target, signal): false on ESRCH (nothing there), true otherwise; EPERM means it exists. */
function signalTarget(target: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ESRCH') {
      return false;
    }
    if (code === 'EPERM') {
      return true;
    }
    throw error;
  }
}

/**
 * Answers "does this group still hold a live process?". On Linux kill(-pgid, 0) also succeeds for
 * zombies, and where PID 1 does not reap (containers, microVMs) killed grandchildren stay zombies
 * forever, so /proc is consulted to ignore them: the leader first, then the members seen last time,
 * and only when none of those lives, a fresh scan of the process table.
 */
export class GroupProbe {
  private members: number[] = [];

  constructor(readonly pgid: number) {}

  async isAlive(): Promise<boolean> {
    if (IS_WINDOWS) {
      return isPidAlive(this.pgid);
    }
    if (!signalGroup(this.pgid, 0)) {
      return false;
    }
    if (!HAS_PROCFS) {
      return true;
    }
    for (const pid of [this.pgid, ...this.members]) {
      const stat = await readProcStat(pid);
      if (stat && stat.pgrp === this.pgid && stat.state !== 'Z') {
        return true;
      }
    }
    const table = await readProcTable();
    this.members = table.filter((s) => s.pgrp === this.pgid && s.state !== 'Z').map((s) => s.pid);
    return this.members.length > 0;
  }
}

/**
 * True when a process with this PID exists, zombies included, from one signal-0 system call and no
 * /proc read. Enough for this process's own children: Node reaps each one the moment it exits (and
 * then emits 'exit'), so a zombie child only ever exists for an instant.
 */
export function pidExists(pid: number): boolean {
  return signalTarget(pid, 0);
}

/** True when a single process exists (zombies count as gone on Linux). */
export async function isPidAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
  if (!HAS_PROCFS) {
    return true;
  }
  const stat = await readProcStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

/** Resolves after `ms`, or as soon as `signal` aborts. Never rejects. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls until the group is gone or the deadline passes (or `signal` aborts). Resolves true when gone.
 */
async function waitForGroupExit(
  probe: GroupProbe,
  deadline: number,
  pollMs: number,
  signal?: AbortSignal,
  firstPauseMs: number = pollMs,
): Promise<boolean> {
  let pauseMs = firstPauseMs;
  while (Date.now() < deadline && !signal?.aborted) {
    await pause(Math.min(pauseMs, Math.max(0, deadline - Date.now())), signal);
    pauseMs = pollMs;
    if (!(await probe.isAlive())) {
      return true;
    }
  }
  return false;
}

/**
 * After a SIGKILL to group `pgid`: true once the group is gone, false if it is still there after
 * KILL_CONFIRM_MS. A SIGKILL takes effect when each member next runs, which on a loaded machine is
 * not at once: a caller that says "nothing of it runs any more" waits for this first.
 */
export function confirmGroupKilled(pgid: number, pollMs: number = DEFAULT_POLL_MS): Promise<boolean> {
  return waitForGroupExit(
    new GroupProbe(pgid),
    Date.now() + KILL_CONFIRM_MS,
    pollMs,
    undefined,
    Math.min(pollMs, KILL_FIRST_PROBE_MS),
  );
}

function taskkill(pid: number, force: boolean): Promise<void> {
  const args = ['/PID', String(pid), '/T', ...(force ? ['/F'] : [])];
  return new Promise((resolve) => {
    // taskkill reports "not found" through its exit code; the liveness probe that follows is the judge.
    execFile('taskkill', args, { windowsHide: true }, () => resolve());
  });
}

/**
 * Stops a whole process group without ever blocking the event loop: SIGTERM to the group, probe on
 * timers until it is gone, SIGKILL once the grace period ends (or `forceKill` aborts), and resolve
 * with what happened. Many calls run concurrently, so fifty stubborn groups take one grace period.
 *
 * On Windows there are no process groups or signals: the tree under `pgid` (the leader's PID) is
 * ended with `taskkill /T`, and then with `/T /F` after the grace period.
 */
export async function terminateGroup(pgid: number, options: TerminateOptions = {}): Promise<TerminationResult> {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const startedAt = Date.now();
  const result = (outcome: TerminationOutcome): TerminationResult => ({
    pgid,
    outcome,
    elapsedMs: Date.now() - startedAt,
  });
  const probe = new GroupProbe(pgid);

  if (!(await probe.isAlive())) {
    return result('already-gone');
  }
  if (IS_WINDOWS) {
    await taskkill(pgid, false);
  } else if (!signalGroup(pgid, 'SIGTERM')) {
    return result('already-gone');
  }
  if (await waitForGroupExit(probe, startedAt + graceMs, pollMs, options.forceKill)) {
    return result('exited');
  }
  if (IS_WINDOWS) {
    await taskkill(pgid, true);
  } else if (!signalGroup(pgid, 'SIGKILL')) {
    return result('exited');
  }
  if (
    await waitForGroupExit(
      probe,
      Date.now() + KILL_CONFIRM_MS,
      pollMs,
      undefined,
      Math.min(pollMs, KILL_FIRST_PROBE_MS),
    )
  ) {
    return result('killed');
  }
  return result('survived');
}

/**
 * SIGKILL to a group, synchronously. For exit paths only (deactivate, process 'exit'), where the
 * event loop may never run again; everywhere else use terminateGroup.
 */
export function killGroupSync(pgid: number): void {
  if (IS_WINDOWS) {
    spawnSync('taskkill', ['/PID', String(pgid), '/T', '/F'], { windowsHide: true, timeout: 2_000 });
    return;
  }
  signalGroup(pgid, 'SIGKILL');
}
