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
}

async function sampleFromProc(pgids: ReadonlySet<number>): Promise<Map<number, RawUsage>> {
  const usage = new Map<number, RawUsage>();
  for (const stat of await readProcTable()) {
    if (!pgids.has(stat.pgrp) || stat.state === 'Z') {
      continue;
    }
    const entry = usage.get(stat.pgrp) ?? { cpuSeconds: 0, rssBytes: 0, processCount: 0, cpuPercent: undefined };
    entry.cpuSeconds += (stat.utimeTicks + stat.stimeTicks) / CLOCK_TICKS_PER_SECOND;
    entry.rssBytes += stat.rssPages * PAGE_SIZE_BYTES;
    entry.processCount += 1;
    usage.set(stat.pgrp, entry);
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
    const entry = usage.get(pgid) ?? { cpuSeconds: 0, rssBytes: 0, processCount: 0, cpuPercent: 0 };
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

  async sample(pgids: ReadonlySet<number>): Promise<Map<number, GroupUsage>> {
    const result = new Map<number, GroupUsage>();
    if (pgids.size === 0 || process.platform === 'win32') {
      this.previous.clear();
      return result;
    }
    const now = Date.now();
    const raw = HAS_PROCFS ? await sampleFromProc(pgids) : await sampleFromPs(pgids);
    const next = new Map<number, { cpuSeconds: number; at: number }>();
    for (const [pgid, usage] of raw) {
      next.set(pgid, { cpuSeconds: usage.cpuSeconds, at: now });
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
