import { GroupMetricsSampler } from '../process/groupMetrics';
import { WorkerRecord } from './workerRecord';

/**
 * Samples CPU and memory of every running worker's group in one /proc scan and stores each result on
 * its record. Returns the records whose figures changed, the only ones whose view must be refreshed.
 */
export async function sampleUsage(
  records: Iterable<WorkerRecord>,
  sampler: GroupMetricsSampler,
): Promise<WorkerRecord[]> {
  const byPgid = new Map<number, WorkerRecord>();
  for (const record of records) {
    if (record.running) {
      byPgid.set(record.running.entry.pgid, record);
    }
  }
  const usage = await sampler.sample(new Set(byPgid.keys()));
  const changed: WorkerRecord[] = [];
  for (const [pgid, record] of byPgid) {
    const next = usage.get(pgid);
    const before = record.usage;
    // The group may have ended, or the worker restarted into another group, during the scan.
    if (record.running?.entry.pgid !== pgid || !next) {
      continue;
    }
    if (
      before?.cpuPercent !== next.cpuPercent ||
      before?.rssBytes !== next.rssBytes ||
      before?.processCount !== next.processCount
    ) {
      record.usage = next;
      changed.push(record);
    }
  }
  return changed;
}
