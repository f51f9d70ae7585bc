import { GroupMember } from './escapes';
import { CLOCK_TICKS_PER_SECOND, HAS_PROCFS, PAGE_SIZE_BYTES, readProcTable, runPs } from './procfs';

/** CPU and memory of one whole process group (leader, children and grandchildren). */
export interface GroupUsage {
  /** Share of one core since the previous sample; 100 means one core fully busy. */
  readonly cpuPercent: number;
  readonly rssBytes: number;
  readonly processCount: number;
}

interface RawUsage {
  cpuSeconds: number;
  rssBytes: number;
  processCount: number;
  /** `ps` reports a ready-made percentage; /proc gives cumulative time that is diffed between samples. */
  cpuPercent: number | undefined;
  /** The processes seen in the group (from /proc only), remembered to notice one that later leaves it. */
  members: GroupMember[];
}

async function sampleFromProc(
  pgids: ReadonlySet<number>,
  seenBefore: ReadonlyMap<number, readonly GroupMember[]>,
): Promise<Map<number, RawUsage>> {
  const usage = new Map<number, RawUsage>();
  const table = await readProcTable();
  for (const stat of table) {
    if (!pgids.has(stat.pgrp) || stat.state === 'Z') {
      continue;
    }
    const entry = usage.get(stat.pgrp) ?? {
      cpuSeconds: 0,
      rssBytes: 0,
      processCount: 0,
      cpuPercent: undefined,
      members: [],
    };
    entry.cpuSeconds += (stat.utimeTicks + stat.stimeTicks) / CLOCK_TICKS_PER_SECOND;
    entry.rssBytes += stat.rssPages * PAGE_SIZE_BYTES;
    entry.processCount += 1;
    entry.members.push({ pid: stat.pid, startTimeTicks: stat.startTimeTicks });
    usage.set(stat.pgrp, entry);
  }
  // A member that has left the group since (setsid) is remembered while it lives, so that stopping
  // the group can still report it; it no longer counts towards the group's usage.
  const live = new Map(table.filter((stat) => stat.state !== 'Z').map((stat) => [stat.pid, stat.startTimeTicks]));
  for (const [pgid, entry] of usage) {
    const current = new Set(entry.members.map((member) => member.pid));
    for (const member of seenBefore.get(pgid) ?? []) {
      if (!current.has(member.pid) && live.get(member.pid) === member.startTimeTicks) {
        entry.members.push(member);
      }
    }
  }
  return usage;
}

async function sampleFromPs(pgids: ReadonlySet<number>): Promise<Map<number, RawUsage>> {
  const usage = new Map<number, RawUsage>();
  const out = await runPs(['-A', '-o', 'pgid=,rss=,%cpu=']);
  for (const line of out.split('\n')) {
    const [pgidText, rssText, cpuText] = line.trim().split(/\s+/);
    const pgid = Number(pgidText);
    if (!pgids.has(pgid)) {
      continue;
    }
    const entry = usage.get(pgid) ?? { cpuSeconds: 0, rssBytes: 0, processCount: 0, cpuPercent: 0, members: [] };
    entry.rssBytes += Number(rssText) * 1024;
    entry.cpuPercent = (entry.cpuPercent ?? 0) + Number(cpuText);
    entry.processCount += 1;
    usage.set(pgid, entry);
  }
  return usage;
}

/**
 * Samples many groups at once: one read of the process table per sample, however many workers.
 * On Windows there is no cheap equivalent, so usage is not reported there.
 */
export class GroupMetricsSampler {
  private previous = new Map<number, { cpuSeconds: number; at: number }>();
  private members = new Map<number, readonly GroupMember[]>();

  /** The processes seen in group `pgid` at the last sample (Linux only; empty elsewhere). */
  membersAtLastSample(pgid: number): readonly GroupMember[] {
    return this.members.get(pgid) ?? [];
  }

  async sample(pgids: ReadonlySet<number>): Promise<Map<number, GroupUsage>> {
    const result = new Map<number, GroupUsage>();
    if (pgids.size === 0 || process.platform === 'win32') {
      this.previous.clear();
      this.members.clear();
      return result;
    }
    const now = Date.now();
    const raw = HAS_PROCFS ? await sampleFromProc(pgids, this.members) : await sampleFromPs(pgids);
    const next = new Map<number, { cpuSeconds: number; at: number }>();
    this.members = new Map();
    for (const [pgid, usage] of raw) {
      next.set(pgid, { cpuSeconds: usage.cpuSeconds, at: now });
      this.members.set(pgid, usage.members);
      result.set(pgid, {
        cpuPercent: usage.cpuPercent ?? this.cpuPercentSince(pgid, usage.cpuSeconds, now),
        rssBytes: usage.rssBytes,
        processCount: usage.processCount,
      });
    }
    this.previous = next;
    return result;
  }

  private cpuPercentSince(pgid: number, cpuSeconds: number, now: number): number {
    const before = this.previous.get(pgid);
    if (!before || now <= before.at) {
      return 0;
    }
    const percent = ((cpuSeconds - before.cpuSeconds) / ((now - before.at) / 1_000)) * 100;
    return Math.max(0, Math.round(percent * 10) / 10);
  }
}
