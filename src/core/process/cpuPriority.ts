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

/** Records a group's nice value, 0 (every group's own) as no entry. */
function setOrClear(values: Map<number, number>, pid: number, niceness: number): void {
  if (niceness === 0) {
    values.delete(pid);
  } else {
    values.set(pid, niceness);
  }
}

/**
 * Sets the CPU priority of workers' process groups. Every worker starts in a session of its own (so
 * that its whole group can be stopped), and on Linux, where each session is scheduled as a group,
 * each worker then weighed as much as the whole editor: fifty busy agents left the extension host a
 * fifty-first of the machine and stalled its event loop for hundreds of milliseconds. A group's nice
 * value (/proc/<pid>/autogroup) covers its leader and everything it starts, now or later, and may go
 * up or back down to 0 without privilege. The leader's own nice value covers systems that schedule
 * processes one by one (macOS, Linux without autogroup); it only ever goes up, as lowering it needs
 * privilege.
 */
export class CpuPriorities {
  /** The group nice value each tracked leader should have (absent: 0). */
  private readonly wanted = new Map<number, number>();
  /** The group nice value written for each leader so far (absent: 0, as every group starts). */
  private readonly applied = new Map<number, number>();
  /** Leaders whose group is to be written, in order; each at most once. */
  private readonly waiting: number[] = [];
  private draining: Promise<unknown> | undefined;
  /** Set after a refusal other than the rate limit: the groups stay as they are from then on. */
  private refused = false;

  constructor(
    private readonly logger: Logger,
    private readonly tasks: TaskRegistry,
  ) {}

  /**
   * Gives the group led by `pid` the priority, when it starts or when the setting changes: higher or
   * lower, in its turn (group changes are paced by the kernel's rate limit).
   */
  apply(pid: number, priority: CpuPriority): void {
    const niceness = NICENESS[priority];
    if (niceness === (this.wanted.get(pid) ?? 0)) {
      return;
    }
    setOrClear(this.wanted, pid, niceness);
    this.raiseLeader(pid, niceness);
    this.queue(pid, 'last');
  }

  /**
   * Gives a lowered group its normal weight back, ahead of any change still waiting: a stopping
   * agent must get the CPU to handle its SIGTERM (flush its session) within the grace period even
   * when the machine is saturated. (The leader's own nice value stays: only privilege can lower it.)
   */
  restore(pid: number): void {
    if (!this.wanted.has(pid)) {
      return;
    }
    this.wanted.delete(pid);
    this.queue(pid, 'first');
  }

  /** The group ended: nothing is left to change or restore. */
  forget(pid: number): void {
    this.wanted.delete(pid);
    this.applied.delete(pid);
    const at = this.waiting.indexOf(pid);
    if (at >= 0) {
      this.waiting.splice(at, 1);
    }
  }

  /** Resolves once every change asked for so far is made (or could not be). */
  async settled(): Promise<void> {
    while (this.draining) {
      await this.draining;
    }
  }

  private queue(pid: number, where: 'first' | 'last'): void {
    if (process.platform !== 'linux' || this.refused) {
      return;
    }
    const at = this.waiting.indexOf(pid);
    if (where === 'first') {
      if (at >= 0) {
        this.waiting.splice(at, 1);
      }
      this.waiting.unshift(pid);
    } else if (at < 0) {
      this.waiting.push(pid);
    }
    this.draining ??= this.tasks.run('change workers’ CPU priority', (signal) => this.drain(signal));
  }

  /** Raises the leader's own nice value to `niceness` (never lowers it: that needs privilege). */
  private raiseLeader(pid: number, niceness: number): void {
    try {
      if (os.getPriority(pid) < niceness) {
        os.setPriority(pid, niceness);
      }
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
      for (let pid = this.waiting.shift(); pid !== undefined && !signal.aborted; pid = this.waiting.shift()) {
        // A change undone while it waited (a lowering, then a stop) writes nothing.
        const niceness = this.wanted.get(pid) ?? 0;
        if (niceness === (this.applied.get(pid) ?? 0)) {
          continue;
        }
        let outcome: AutogroupWrite;
        try {
          outcome = await writeAutogroupNice(pid, niceness);
        } catch (error) {
          this.refused = true;
          this.waiting.length = 0;
          this.logger.warn(`workers keep their CPU priority: /proc/${pid}/autogroup: ${describeError(error)}`);
          return;
        }
        if (outcome === 'done') {
          setOrClear(this.applied, pid, niceness);
        } else if (outcome === 'gone') {
          this.forget(pid);
        } else {
          // Refused for now by the rate limit: again after the pause.
          this.waiting.unshift(pid);
          await sleep(AUTOGROUP_RETRY_MS);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }
}
