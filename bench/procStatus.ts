import { promises as fs } from 'node:fs';
import { CLOCK_TICKS_PER_SECOND, readProcStat } from '../src/core/process/procfs';

/** Resident memory of another process, now and at its peak, from /proc/<pid>/status. */
export interface MemoryReading {
  readonly rssMB: number;
  /** The kernel's high-water mark of the resident set (VmHWM). */
  readonly peakMB: number;
}

const KB_PER_MB = 1_000;

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) {
    throw new Error(`/proc status has no ${name} line`);
  }
  return Number(match[1]);
}

export async function readMemory(pid: number): Promise<MemoryReading> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return { rssMB: field(status, 'VmRSS') / KB_PER_MB, peakMB: field(status, 'VmHWM') / KB_PER_MB };
}

/** User + system CPU seconds a process has used so far (10 ms resolution: the kernel counts ticks). */
export async function readCpuSeconds(pid: number): Promise<number> {
  const stat = await readProcStat(pid);
  if (!stat) {
    throw new Error(`process ${pid} is gone`);
  }
  return (stat.utimeTicks + stat.stimeTicks) / CLOCK_TICKS_PER_SECOND;
}
