import * as l10n from '@vscode/l10n';
import { ActivityLog } from '../base/activityLog';
import { describeError, Logger } from '../base/logger';
import { readStartToken } from '../process/procfs';
import { OrphanReport, reapOrphans } from './orphanReaper';
import { StatusContents, StatusFile, StatusWorker } from './statusFile';
import { errnoCode } from '../../shared/untrusted';

/** The status file only has to be fresh enough to find orphans after a crash. */
export const DEFAULT_STATUS_FILE_INTERVAL_MS = 5_000;

export interface StatusKeeperOptions {
  readonly logger: Logger;
  readonly activity: ActivityLog;
  /** Where the status file lives; without one, nothing is written and no orphans are recovered. */
  readonly filePath: string | undefined;
  readonly intervalMs?: number;
  /** The supervised workers as they are to be recorded, read at each write. */
  readonly workers: () => readonly StatusWorker[];
}

/**
 * Keeps the status file that lets a later run find the process groups of a crashed one, and does
 * that finding. The supervisor only marks the file dirty when something changed; this decides when
 * a write is due (at most once per interval), reports a disk that refuses once per distinct error
 * rather than every tick, and writes synchronously on exit paths where the event loop may not run again.
 */
export class StatusKeeper {
  private readonly file: StatusFile | undefined;
  private readonly intervalMs: number;
  private dirty = true;
  private lastWrite = 0;
  private lastError: string | undefined;
  /** Read once: lets a later run tell this host from a process that reused its PID. */
  private hostStartToken: string | undefined;

  constructor(private readonly options: StatusKeeperOptions) {
    this.file = options.filePath ? new StatusFile(options.filePath) : undefined;
    this.intervalMs = options.intervalMs ?? DEFAULT_STATUS_FILE_INTERVAL_MS;
  }

  /** Something the file records changed: the next due write goes to disk. */
  markDirty(): void {
    this.dirty = true;
  }

  /** Writes the file if something changed and the interval since the last write has passed. */
  async maybeWrite(now: number): Promise<void> {
    if (!this.file || !this.dirty || now - this.lastWrite < this.intervalMs) {
      return;
    }
    await this.write(this.file, now);
  }

  /** Writes the file now; resolves false (after reporting) when the disk refused or there is no file. */
  async writeNow(): Promise<boolean> {
    return this.file ? this.write(this.file, Date.now()) : false;
  }

  /**
   * One write of the current snapshot. Resolves whether it reached the disk: a change that lands
   * meanwhile marks the file dirty for the next write, but does not make this one a failure.
   */
  private async write(file: StatusFile, now: number): Promise<boolean> {
    this.hostStartToken ??= await readStartToken(process.pid);
    this.dirty = false;
    this.lastWrite = now;
    try {
      await file.write(this.contents());
      if (this.lastError) {
        this.options.logger.info(`the status file ${file.filePath} is writable again`);
        this.lastError = undefined;
      }
      return true;
    } catch (error) {
      this.dirty = true;
      this.reportError(file, error);
      return false;
    }
  }

  /** The same write, synchronously, for exit paths where the event loop may never run again. */
  writeSync(): void {
    if (!this.file) {
      return;
    }
    try {
      this.file.writeSync(this.contents());
    } catch (error) {
      this.reportError(this.file, error);
    }
  }

  /**
   * Reads the status file a previous run left and terminates the groups it recorded that are still
   * verifiably running; each finding goes to the activity log.
   */
  async recoverOrphans(graceMs: number): Promise<OrphanReport[]> {
    if (!this.file) {
      return [];
    }
    let read;
    try {
      read = await this.file.read();
    } catch (error) {
      // A folder in its place, no permission: the caller (start-up) must go on to start the workers.
      this.warnUnreadable(
        l10n.t('The status file {0} cannot be read ({1}).', this.file.filePath, describeError(error)),
      );
      return [];
    }
    if (read.kind === 'missing') {
      return [];
    }
    if (read.kind === 'corrupt') {
      this.warnUnreadable(
        l10n.t('The status file {0} is unreadable ({1}); it will be rewritten.', this.file.filePath, read.reason),
      );
      return [];
    }
    const reports = await reapOrphans(read.contents, graceMs);
    for (const report of reports) {
      this.recordOrphan(report);
    }
    this.dirty = true;
    return reports;
  }

  private contents(): StatusContents {
    return {
      version: 1,
      writtenAt: Date.now(),
      host: { pid: process.pid, startToken: this.hostStartToken },
      workers: this.options.workers(),
    };
  }

  private warnUnreadable(problem: string): void {
    const message = `${problem} ${l10n.t('Orphans of the previous run, if any, cannot be found.')}`;
    this.options.logger.warn(message);
    this.options.activity.record('warning', undefined, message);
    this.dirty = true;
  }

  private reportError(file: StatusFile, error: unknown): void {
    const reason = describeError(error);
    // The same failure names a new temp file each time; its code is what says it is the same.
    const key = errnoCode(error) ?? reason;
    if (key === this.lastError) {
      return;
    }
    this.lastError = key;
    const failed = l10n.t('Cannot write the status file {0}: {1}.', file.filePath, reason);
    const consequence = l10n.t(
      'Supervision goes on, but after a crash of the editor its workers cannot be found and stopped.',
    );
    const message = `${failed} ${consequence}`;
    this.options.logger.error(message);
    this.options.activity.record('warning', undefined, message);
  }

  private recordOrphan(report: OrphanReport): void {
    const what = { label: report.label, pgid: report.pgid };
    const activity = this.options.activity;
    switch (report.outcome) {
      case 'terminated':
        activity.record(
          'orphan-killed',
          report.workerId,
          l10n.t('{label} (group {pgid}) from a previous session was still running and has been stopped', what),
        );
        return;
      case 'pid-reused':
        activity.record(
          'orphan-skipped',
          report.workerId,
          l10n.t(
            '{label} (group {pgid}) from a previous session: its PID now belongs to another process; left alone',
            what,
          ),
        );
        return;
      case 'owner-alive':
        activity.record(
          'orphan-skipped',
          report.workerId,
          l10n.t('{label} (group {pgid}) from a previous session: its window is still open; left alone', what),
        );
        return;
      case 'gone':
        return;
    }
  }
}
