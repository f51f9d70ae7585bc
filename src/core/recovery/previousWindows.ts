import * as l10n from '@vscode/l10n';
import { ActivityLog } from '../base/activityLog';
import { describeError, Logger } from '../base/logger';
import { GroupProbe } from '../process/processGroup';
import {
  countMarkedTargets,
  describeMarked,
  findMarkedOrphans,
  MarkedProcess,
  MarkedReport,
  reapMarked,
} from './markScan';
import { OrphanReport, reapRecordedGroup } from './orphanReaper';
import { HostIdentity, isHostAlive } from './ownerMark';
import { SentinelLogEntry, takeSentinelLogs } from './sentinelLog';
import { JournalReading, readJournals } from './spawnJournal';
import { StatusWorker } from './statusFile';
import { promises as fs } from 'node:fs';

/**
 * Everything a new activation does about the workers of windows that ended without stopping them,
 * before its own workers start: it reports what their sentinels already stopped, stops the groups
 * their spawn journals name, and stops whatever still carries the owner mark of a dead host.
 */

export interface PreviousWindowsOptions {
  /** The stable status folder (see statusLocation.ts). */
  readonly statusDir: string;
  /** This host: its own journal and sentinel log are not a previous window's. */
  readonly host: HostIdentity;
  /** Grace for groups whose own grace is not recorded (found by their mark only). */
  readonly graceMs: number;
  readonly logger: Logger;
  readonly activity: ActivityLog;
  /** Told how many workers are being stopped when the stopping begins, and 0 when it is over. */
  readonly onStopping?: (count: number) => void;
}

export interface PreviousWindowsSummary {
  /** Workers (groups and escaped processes) this activation stopped. */
  readonly stopped: number;
  /** Groups the dead windows' sentinels had stopped already. */
  readonly stoppedBySentinel: number;
}

function recordSentinelEntry(activity: ActivityLog, entry: SentinelLogEntry): void {
  const what = { label: entry.label, pgid: entry.pgid, host: entry.hostPid };
  if (entry.outcome === 'terminated') {
    activity.record(
      'orphan-killed',
      entry.workerId,
      l10n.t(
        '{label} (group {pgid}) outlived a window that died (extension host {host}); its sentinel stopped it',
        what,
      ),
    );
  } else if (entry.outcome === 'pid-reused') {
    activity.record(
      'orphan-skipped',
      entry.workerId,
      l10n.t('{label} (group {pgid}): its PID now belongs to another process; left alone', what),
    );
  }
}

function recordJournalReport(activity: ActivityLog, report: OrphanReport): void {
  const what = { label: report.label, pgid: report.pgid };
  if (report.outcome === 'terminated') {
    activity.record(
      'orphan-killed',
      report.workerId,
      l10n.t('{label} (group {pgid}) from a previous window was still running and has been stopped', what),
    );
  } else if (report.outcome === 'pid-reused') {
    activity.record(
      'orphan-skipped',
      report.workerId,
      l10n.t('{label} (group {pgid}) from a previous window: its PID now belongs to another process; left alone', what),
    );
  }
}

function recordMarkedReport(activity: ActivityLog, report: MarkedReport): void {
  if (report.outcome === 'gone') {
    return;
  }
  const kind =
    report.outcome === 'pid-reused' ? 'orphan-skipped' : report.kind === 'escapee' ? 'escaped' : 'orphan-killed';
  activity.record(kind, undefined, describeMarked(report));
}

/** The journals of hosts that are gone, with their problems reported; live sibling windows' are left alone. */
async function deadJournals(options: PreviousWindowsOptions): Promise<JournalReading[]> {
  const dead: JournalReading[] = [];
  for (const reading of await readJournals(options.statusDir, options.host)) {
    for (const problem of reading.problems) {
      options.logger.warn(`the spawn journal ${reading.filePath}: ${problem}; that line is ignored`);
    }
    if (!(await isHostAlive(reading.host))) {
      dead.push(reading);
    }
  }
  return dead;
}

async function liveGroups(workers: readonly StatusWorker[]): Promise<StatusWorker[]> {
  const alive = await Promise.all(
    workers.map(async (worker) => (worker.pgid ? new GroupProbe(worker.pgid).isAlive() : false)),
  );
  return workers.filter((_, index) => alive[index]);
}

/** Reports, finds and stops what previous windows left; never throws (start-up must go on). */
export async function recoverPreviousWindows(options: PreviousWindowsOptions): Promise<PreviousWindowsSummary> {
  const { activity, logger } = options;
  let stoppedBySentinel = 0;
  try {
    const logs = await takeSentinelLogs(options.statusDir, options.host);
    logs.problems.forEach((problem) => logger.warn(problem));
    logs.entries.forEach((entry) => recordSentinelEntry(activity, entry));
    stoppedBySentinel = logs.entries.filter((entry) => entry.outcome === 'terminated').length;
  } catch (error) {
    logger.warn(`the sentinel logs of previous windows cannot be read: ${describeError(error)}`);
  }
  let journals: JournalReading[] = [];
  let marked: MarkedProcess[] = [];
  try {
    journals = await deadJournals(options);
    marked = await findMarkedOrphans();
  } catch (error) {
    logger.warn(`looking for workers of previous windows failed: ${describeError(error)}`);
  }
  const recorded = await liveGroups(journals.flatMap((reading) => reading.contents.workers));
  const recordedGroups = new Set(recorded.map((worker) => worker.pgid as number));
  const count = recorded.length + countMarkedTargets(marked, recordedGroups);
  if (count > 0) {
    options.onStopping?.(count);
  }
  try {
    const [journalReports, markedReports] = await Promise.all([
      Promise.all(recorded.map((worker) => reapRecordedGroup(worker, options.graceMs))),
      reapMarked(marked, options.graceMs, recordedGroups),
    ]);
    const reports = journalReports.filter((r): r is OrphanReport => r !== undefined);
    reports.forEach((report) => recordJournalReport(activity, report));
    markedReports.forEach((report) => recordMarkedReport(activity, report));
    await Promise.all(journals.map((reading) => fs.rm(reading.filePath, { force: true })));
    const stopped =
      reports.filter((r) => r.outcome === 'terminated').length +
      markedReports.filter((r) => r.outcome === 'terminated').length;
    return { stopped, stoppedBySentinel };
  } catch (error) {
    logger.warn(`stopping the workers of previous windows failed: ${describeError(error)}`);
    return { stopped: 0, stoppedBySentinel };
  } finally {
    if (count > 0) {
      options.onStopping?.(0);
    }
  }
}
