import * as l10n from '@vscode/l10n';
import { ActivityLog } from '../../core/base/activityLog';
import { describeError, Logger } from '../../core/base/logger';
import { recoverPreviousWindows } from '../../core/recovery/previousWindows';
import { RecoveryKit } from '../../core/recovery/recoveryKit';
import { migrateStatusFile, prepareStatusDir } from '../../core/recovery/statusLocation';
import { SHUTDOWN_GRACE_MS, Supervisor } from '../../core/workers/supervisor';
import { Notifier } from '../common/notifier';

export interface OrphanRecoveryWiring {
  readonly supervisor: Supervisor;
  readonly kit: RecoveryKit;
  readonly activity: ActivityLog;
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** Shows the "stopping N workers left by a previous window" row while they are being stopped. */
  readonly showStopping: (count: number) => void;
  readonly showActivityLog: () => void;
  /** The status file in use, and where an older version kept it (moved once, if it is there). */
  readonly statusFile: string;
  readonly legacyStatusFile: string;
}

/** The status folder made the user's alone, and the old status file moved into it. */
async function prepareLocation(wiring: OrphanRecoveryWiring): Promise<void> {
  try {
    await prepareStatusDir(wiring.kit.statusDir);
    if (await migrateStatusFile(wiring.legacyStatusFile, wiring.statusFile)) {
      wiring.logger.info(`moved the status file from ${wiring.legacyStatusFile} to ${wiring.statusFile}`);
    }
  } catch (error) {
    wiring.logger.warn(`could not prepare the status folder ${wiring.kit.statusDir}: ${describeError(error)}`);
  }
}

function notice(stopped: number, bySentinel: number): string {
  const ours =
    stopped === 1
      ? l10n.t('Shepherd stopped 1 worker that a previous window left running.')
      : l10n.t('Shepherd stopped {0} workers that a previous window left running.', stopped);
  const sentinels =
    bySentinel === 1
      ? l10n.t('A previous window ended without closing; its sentinel stopped 1 worker it had running.')
      : l10n.t('A previous window ended without closing; its sentinel stopped {0} workers it had running.', bySentinel);
  const parts = [...(stopped > 0 ? [ours] : []), ...(bySentinel > 0 ? [sentinels] : [])];
  return parts.join(' ');
}

/**
 * Stops what earlier windows left behind, before any worker of this one starts: the groups of
 * windows that died hard (journal, owner mark), those of the old status file, and reports what the
 * dead windows' sentinels did. One notification says so, with the activity log one click away.
 */
export async function recoverOrphans(wiring: OrphanRecoveryWiring): Promise<void> {
  const { logger, kit } = wiring;
  await prepareLocation(wiring);
  const previous = await recoverPreviousWindows({
    statusDir: kit.statusDir,
    host: kit.host,
    graceMs: SHUTDOWN_GRACE_MS,
    logger,
    activity: wiring.activity,
    onStopping: wiring.showStopping,
  });
  const reports = await wiring.supervisor.recoverOrphans();
  const fromStatusFile = reports.filter((report) => report.outcome === 'terminated').length;
  const stopped = previous.stopped + fromStatusFile;
  if (reports.length > 0 || stopped > 0 || previous.stoppedBySentinel > 0) {
    logger.info(
      `orphan recovery: ${stopped} stopped now (${fromStatusFile} from the status file), ` +
        `${previous.stoppedBySentinel} stopped by a dead window's sentinel`,
    );
  }
  if (stopped > 0 || previous.stoppedBySentinel > 0) {
    wiring.notifier.info(notice(stopped, previous.stoppedBySentinel), {
      title: l10n.t('Show Activity Log'),
      run: wiring.showActivityLog,
    });
  }
}
