import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, Logger } from '../base/logger';
import { TaskRegistry } from '../base/taskRegistry';
import { errnoCode, isObject, stringField } from '../../shared/untrusted';

/** How much CPU a worker may take from the editor and the user's other programs when the CPU is saturated. */
export type CpuPriority = 'normal' | 'low' | 'lowest';
export const CPU_PRIORITIES: readonly CpuPriority[] = ['normal', 'low', 'lowest'];

/**
 * Each priority's nice value. A nice step is worth ~1.25× in the scheduler's weights: at 10 a group
 * weighs about a tenth of a normal program, at 19 about a seventieth.
 */
export const NICENESS: Readonly<Record<CpuPriority, number>> = { normal: 0, low: 10, lowest: 19 };

/**
 * Agents mostly wait on their model; when fifty stream at once on two cores, the editor must stay
 * responsive (bench 10d: the extension host's event loop p99 went from ~100 ms to ~3 ms).
 */
export const DEFAULT_SESSION_CPU_PRIORITY: CpuPriority = 'lowest';

/**
 * Linux lets an unprivileged process change one scheduling group's nice value per 100 ms, machine
 * wide; an earlier change is refused with EAGAIN and is tried again after this pause.
 */
export const AUTOGROUP_RETRY_MS = 110;

const AUTOGROUP_SWITCH = '/proc/sys/kernel/sched_autogroup_enabled';

/** Whether the kernel schedules each session as a group of its own (Linux's autogroup, on by default). */
async function autogroupsEnabled(): Promise<boolean> {
  try {
    return (await fs.readFile(AUTOGROUP_SWITCH, 'utf8')).trim() === '1';
  } catch (error) {
    // A kernel built without autogroup has no such file: sessions are not scheduled apart.
    if (errnoCode(error) === 'ENOENT') {
      return false;
    }
    throw error;
  }
}

/** The errno of os.setPriority's SystemError (its `code` is ERR_SYSTEM_ERROR; the errno is in `info`). */
function systemErrno(error: unknown): string | undefined {
  const info = isObject(error) ? error.info : undefined;
  return isObject(info) ? stringField(info, 'code') : undefined;
}

type AutogroupWrite = 'done' | 'gone' | 'again';

async function writeAutogroupNice(pid: number, niceness: number): Promise<AutogroupWrite> {
  try {
    await fs.writeFile(`/proc/${pid}/autogroup`, String(niceness));
    return 'done';
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EAGAIN') {
      return 'again';
    }
    // The worker ended before its turn came: there is nothing left to lower.
    if (code === 'ENOENT' || code === 'ESRCH') {
      return 'gone';
    }
    throw error;
  }
}

/**
 * Lowers the CPU priority of workers' process groups. Every worker starts in a session of its own (so
 * that its whole group can be stopped), and on Linux, where each session is scheduled as a group,
 * each worker then weighed as much as the whole editor: fifty busy agents left the extension host a
 * fifty-first of the machine and stalled its event loop for hundreds of milliseconds. A group's nice
 * value (/proc/<pid>/autogroup) covers its leader and everything it starts, now or later; the
 * leader's own nice value covers systems that schedule processes one by one (macOS, Linux without
 * autogroup). Nice values only ever go up: lowering a priority needs no privilege.
 */
export class CpuPriorities {
  private readonly waiting: Array<{ readonly pid: number; readonly niceness: number }> = [];
  /** Leaders whose group was lowered (or is about to be) and has not ended: what restore() may undo. */
  private readonly lowered = new Set<number>();
  private draining: Promise<unknown> | undefined;
  /** Set after a refusal other than the rate limit: the groups stay as they are from then on. */
  private refused = false;

  constructor(
    private readonly logger: Logger,
    private readonly tasks: TaskRegistry,
  ) {}

  /** Gives the group led by `pid` the priority; group changes are paced by the kernel's rate limit. */
  lower(pid: number, priority: CpuPriority): void {
    const niceness = NICENESS[priority];
    if (niceness === 0) {
      return;
    }
    this.lowered.add(pid);
    this.lowerLeader(pid, niceness);
    this.queue({ pid, niceness }, 'last');
  }

  /**
   * Gives a lowered group its normal weight back, ahead of any lowering still waiting: a stopping
   * agent must get the CPU to handle its SIGTERM (flush its session) within the grace period even
   * when the machine is saturated. (The leader's own nice value stays: only privilege can lower it.)
   */
  restore(pid: number): void {
    if (!this.lowered.delete(pid)) {
      return;
    }
    const pending = this.waiting.findIndex((change) => change.pid === pid);
    if (pending >= 0) {
      // Its group was never changed: dropping the change is the whole restore.
      this.waiting.splice(pending, 1);
      return;
    }
    this.queue({ pid, niceness: 0 }, 'first');
  }

  /** The group ended: nothing is left to restore. */
  forget(pid: number): void {
    this.lowered.delete(pid);
  }

  /** Resolves once every change asked for so far is made (or could not be). */
  async settled(): Promise<void> {
    while (this.draining) {
      await this.draining;
    }
  }

  private queue(change: { readonly pid: number; readonly niceness: number }, where: 'first' | 'last'): void {
    if (process.platform !== 'linux' || this.refused) {
      return;
    }
    if (where === 'first') {
      this.waiting.unshift(change);
    } else {
      this.waiting.push(change);
    }
    this.draining ??= this.tasks.run('change workers’ CPU priority', (signal) => this.drain(signal));
  }

  private lowerLeader(pid: number, niceness: number): void {
    try {
      os.setPriority(pid, niceness);
    } catch (error) {
      // ESRCH: the worker already ended, which its own exit reports.
      if (systemErrno(error) !== 'ESRCH') {
        this.logger.warn(`could not lower the priority of process ${pid}: ${describeError(error)}`);
      }
    }
  }

  private async drain(signal: AbortSignal): Promise<void> {
    try {
      if (!(await autogroupsEnabled())) {
        this.waiting.length = 0;
        return;
      }
      for (let change = this.waiting.shift(); change && !signal.aborted; change = this.waiting.shift()) {
        let outcome: AutogroupWrite;
        try {
          outcome = await writeAutogroupNice(change.pid, change.niceness);
        } catch (error) {
          this.refused = true;
          this.waiting.length = 0;
          this.logger.warn(`workers keep their CPU priority: /proc/${change.pid}/autogroup: ${describeError(error)}`);
          return;
        }
        // Refused for now by the rate limit: again after the pause, unless a lowering was undone meanwhile.
        if (outcome === 'again' && (change.niceness === 0 || this.lowered.has(change.pid))) {
          this.waiting.unshift(change);
          await sleep(AUTOGROUP_RETRY_MS);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }
}
