import { describeError, Logger } from '../base/logger';
import { allWatchers, GroupWatcher } from './groupWatcher';
import { currentHost, HostIdentity, ownerMarkEnv } from './ownerMark';
import { SentinelClient } from './sentinelClient';
import { sentinelLogPath } from './sentinelLog';
import { SpawnJournal } from './spawnJournal';

/**
 * What one extension host sets up so its workers cannot outlive it, however it ends: the owner mark
 * in every worker's environment, the spawn journal and the sentinel, both told of every group.
 */
export interface RecoveryKit {
  readonly host: HostIdentity;
  /** The folder holding the status file, the journals and the sentinel logs. */
  readonly statusDir: string;
  readonly sentinel: SentinelClient;
  /** For SupervisorOptions.groupWatcher. */
  readonly groupWatcher: GroupWatcher;
  /** For SupervisorOptions.extraEnv. */
  readonly workerEnv: Readonly<Record<string, string>>;
  /** Starts the sentinel; call before the first worker starts. */
  start(): void;
  /** After an orderly shutdown that stopped every worker: goodbye to the sentinel, the journal removed. */
  close(): Promise<void>;
}

export interface RecoveryKitOptions {
  readonly statusDir: string;
  /** dist/sentinel.js of the extension. */
  readonly sentinelScript: string;
  readonly logger: Logger;
  /** Where sentinel restarts are reported (the activity log). */
  readonly onWarning: (message: string) => void;
}

export function createRecoveryKit(options: RecoveryKitOptions): RecoveryKit {
  const host = currentHost();
  const { logger, statusDir } = options;
  const journal = new SpawnJournal(statusDir, host, logger);
  const sentinel = new SentinelClient({
    script: options.sentinelScript,
    logFile: sentinelLogPath(statusDir, host),
    logger,
    onWarning: options.onWarning,
  });
  return {
    host,
    statusDir,
    sentinel,
    groupWatcher: allWatchers([journal, sentinel]),
    workerEnv: ownerMarkEnv(host),
    start: () => sentinel.start(),
    close: async () => {
      await sentinel.goodbye();
      try {
        await journal.remove();
      } catch (error) {
        logger.warn(`could not remove the spawn journal ${journal.filePath}: ${describeError(error)}`);
      }
    },
  };
}
