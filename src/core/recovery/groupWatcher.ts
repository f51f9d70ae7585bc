/** A process group the supervisor started, as the recovery side needs it: enough to find and verify it. */
export interface WatchedGroup {
  readonly workerId: string;
  readonly label: string;
  /** The leader's PID; every worker leads its own group, so this is also the group id. */
  readonly pgid: number;
  /** Tells the leader from a later process with the same PID (see readStartToken). */
  readonly startToken: string | undefined;
  /** How long the worker gets between SIGTERM and SIGKILL. */
  readonly graceMs: number;
}

/**
 * Told about every group the moment it becomes known and when it ends, so something outside the
 * supervisor's memory (a journal on disk, the sentinel process) can stop it if the host dies.
 */
export interface GroupWatcher {
  /** Resolves once the group is on record; the worker's start() waits for it. Never rejects. */
  groupStarted(group: WatchedGroup): Promise<void>;
  groupEnded(group: WatchedGroup): void;
}

/** Several watchers as one: each is told, and a start waits until all of them have recorded it. */
export function allWatchers(watchers: readonly GroupWatcher[]): GroupWatcher {
  return {
    groupStarted: async (group) => {
      await Promise.all(watchers.map((watcher) => watcher.groupStarted(group)));
    },
    groupEnded: (group) => {
      for (const watcher of watchers) {
        watcher.groupEnded(group);
      }
    },
  };
}
