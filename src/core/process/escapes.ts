import * as l10n from '@vscode/l10n';
import { signalGroup } from './processGroup';
import { HAS_PROCFS, ProcStat, readProcStat, readProcTable } from './procfs';

/**
 * Shepherd stops a worker by signalling its process group. A process that leaves the group
 * (setsid() or setpgid(), as daemons do) no longer receives those signals. This module finds such
 * processes so a stop can say so; it does not chase them, because a process that detached on
 * purpose (an agent's background server, ssh-agent) may be meant to outlive the worker.
 *
 * What can be found: a process that left while its parent still ran in the group (linked by parent
 * id), and one the metrics sampler saw in the group before it left. What cannot: a process that
 * double-forked and called setsid() at once, before any sample, with its parent gone (nothing links
 * it to the worker any more). Linux only: elsewhere there is no cheap process table.
 */

/** One process seen in (or below) a worker's group, told apart from a later PID reuse by its start time. */
export interface GroupMember {
  readonly pid: number;
  readonly startTimeTicks: number;
}

/** A process of a worker's family still running outside the worker's group after the group was stopped. */
export interface Escapee {
  readonly pid: number;
  /** The executable's name (short, and free of arguments that could hold secrets). */
  readonly comm: string;
  readonly pgrp: number;
  readonly session: number;
}

function memberOf(stat: ProcStat): GroupMember {
  return { pid: stat.pid, startTimeTicks: stat.startTimeTicks };
}

/**
 * The processes a stop of group `pgid` has to account for: its live members now, those seen in it
 * before (`seenBefore`, remembered by the metrics sampler) that are still the same processes, and every
 * descendant of these by parent id. One read of the process table.
 */
export async function groupFamily(pgid: number, seenBefore: readonly GroupMember[]): Promise<GroupMember[]> {
  if (!HAS_PROCFS) {
    return [];
  }
  if (!signalGroup(pgid, 0)) {
    // Nothing is left in the group (the common case after an exit): no parent links to follow,
    // only the processes seen in it before can have left, and they are checked one by one.
    const stats = await Promise.all(
      seenBefore.map(async (member) => ({ member, stat: await readProcStat(member.pid) })),
    );
    return stats
      .filter(
        ({ member, stat }) => stat !== undefined && stat.state !== 'Z' && stat.startTimeTicks === member.startTimeTicks,
      )
      .map(({ member }) => member);
  }
  const live = (await readProcTable()).filter((stat) => stat.state !== 'Z');
  const byPid = new Map(live.map((stat) => [stat.pid, stat]));
  const children = new Map<number, ProcStat[]>();
  for (const stat of live) {
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  }
  const family = new Map<number, ProcStat>();
  for (const stat of live) {
    if (stat.pgrp === pgid) {
      family.set(stat.pid, stat);
    }
  }
  for (const member of seenBefore) {
    const stat = byPid.get(member.pid);
    if (stat && stat.startTimeTicks === member.startTimeTicks) {
      family.set(stat.pid, stat);
    }
  }
  const queue = [...family.keys()];
  while (queue.length > 0) {
    for (const child of children.get(queue.pop() as number) ?? []) {
      if (!family.has(child.pid)) {
        family.set(child.pid, child);
        queue.push(child.pid);
      }
    }
  }
  return [...family.values()].map(memberOf);
}

/** Those of `family` that still run (the same process: same start time) outside group `pgid`. */
export async function findEscapees(pgid: number, family: readonly GroupMember[]): Promise<Escapee[]> {
  const escapees: Escapee[] = [];
  for (const member of family) {
    const stat = await readProcStat(member.pid);
    if (stat && stat.state !== 'Z' && stat.startTimeTicks === member.startTimeTicks && stat.pgrp !== pgid) {
      escapees.push({ pid: stat.pid, comm: stat.comm, pgrp: stat.pgrp, session: stat.session });
    }
  }
  return escapees;
}

/** One line for the activity log about a process that left a worker's group and outlived its stop. */
export function describeEscapee(label: string, escapee: Escapee): string {
  const args = { label, pid: escapee.pid, comm: escapee.comm, pgrp: escapee.pgrp };
  const left =
    escapee.session === escapee.pid
      ? l10n.t('{label}: pid {pid} ({comm}) left the group with setsid() and still runs after the stop.', args)
      : l10n.t(
          '{label}: pid {pid} ({comm}) left the group for process group {pgrp} and still runs after the stop.',
          args,
        );
  const advice = l10n.t(
    'Shepherd stops process groups and cannot reach it; end it yourself if it should not run (kill {pid}).',
    args,
  );
  return `${left} ${advice}`;
}
