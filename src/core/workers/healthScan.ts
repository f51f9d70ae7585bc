import * as l10n from '@vscode/l10n';
import { ActivityLog } from '../base/activityLog';
import { stripAnsi } from '../output/ansi';
import { OutputLine } from '../output/outputBuffer';
import { WorkerRecord } from './workerRecord';

/** A degraded worker that prints no further matching line for this long is healthy again. */
export const HEALTH_RECOVERY_MS = 5 * 60_000;
/** Bounds the health scan per tick so a flood cannot make one tick expensive. */
export const HEALTH_SCAN_MAX_LINES = 5_000;
/** A matched line is kept this long on the view and in the activity log: enough to tell what it said. */
const MATCHED_LINE_CHARS = 500;

export interface HealthScanOptions {
  readonly activity: ActivityLog;
  /** Publishes a worker whose health changed. */
  readonly changed: (record: WorkerRecord) => void;
}

/**
 * Marks a worker degraded when its output matches one of its health patterns (a rate limit, an
 * out-of-memory message), and healthy again after a quiet spell. Run once per tick over the lines
 * printed since the previous tick, newest first, so a flood costs at most HEALTH_SCAN_MAX_LINES
 * tests per worker and the newest match is the one shown.
 */
export class HealthScanner {
  constructor(private readonly options: HealthScanOptions) {}

  scan(records: Iterable<WorkerRecord>, now: number): void {
    for (const record of records) {
      this.recover(record, now);
      const scannedUpTo = record.healthScannedSeq;
      record.healthScannedSeq = record.output.lastSeq;
      if (record.healthScannedSeq === scannedUpTo || record.healthPatterns().length === 0) {
        continue;
      }
      this.match(record, record.output.linesBetween(scannedUpTo, record.healthScannedSeq, HEALTH_SCAN_MAX_LINES), now);
    }
  }

  private recover(record: WorkerRecord, now: number): void {
    if (
      record.health === 'degraded' &&
      record.lastHealthMatch &&
      now - record.lastHealthMatch.at > HEALTH_RECOVERY_MS
    ) {
      record.health = 'ok';
      this.options.changed(record);
    }
  }

  private match(record: WorkerRecord, lines: readonly OutputLine[], now: number): void {
    const patterns = record.healthPatterns();
    for (let i = lines.length - 1; i >= 0; i--) {
      const match = patterns.find((p) => p.regexp.test(lines[i].text));
      if (!match) {
        continue;
      }
      const wasOk = record.health === 'ok';
      record.health = 'degraded';
      record.lastHealthMatch = {
        pattern: match.pattern,
        line: stripAnsi(lines[i].text).slice(0, MATCHED_LINE_CHARS),
        at: now,
      };
      this.options.changed(record);
      if (wasOk) {
        this.options.activity.record(
          'degraded',
          record.id,
          l10n.t('{0} matched {1}: {2}', record.definition.label, match.pattern, record.lastHealthMatch.line),
        );
      }
      return;
    }
  }
}
