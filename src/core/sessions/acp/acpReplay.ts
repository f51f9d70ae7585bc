/**
 * How long the agent's updates must have been quiet before the first prompt after `session/load`: the
 * replay is a burst of updates written back to back, so a pause this long means it has ended.
 */
export const REPLAY_QUIET_MS = 100;

/** The longest the first prompt after `session/load` waits for the replay: a chatty agent is not waited on forever. */
export const REPLAY_DRAIN_MAX_MS = 2_000;

/**
 * The replay of a loaded session, which the transcript already holds. The ACP spec has the agent stream
 * the whole history before it answers `session/load`, but Gemini CLI starts streaming it and answers at
 * once, so replayed updates keep coming after the answer. The replay therefore lasts until the first
 * prompt, which waits for the agent's updates to pause (bounded): a late replayed chunk must not become
 * part of the new turn's reply, nor a replayed cumulative cost part of the new turn's cost.
 */
export class AcpReplay {
  private replaying = false;
  private lastUpdateAt = 0;

  /** Whether updates are still the replay (only the agent's state in them is news). */
  get active(): boolean {
    return this.replaying;
  }

  /** `session/load` was sent: the replay is on, and the wait for its end counts from now. */
  start(): void {
    this.replaying = true;
    this.lastUpdateAt = Date.now();
  }

  /** The load failed: there is no replay to wait for. */
  stop(): void {
    this.replaying = false;
  }

  /** A `session/update` arrived. */
  noteUpdate(): void {
    this.lastUpdateAt = Date.now();
  }

  /**
   * Resolves once the replay is over: at once without one, else when the agent's updates have been
   * quiet for `quietMs` (or `maxMs` after the call, whichever comes first). It never rejects.
   */
  async drained(quietMs = REPLAY_QUIET_MS, maxMs = REPLAY_DRAIN_MAX_MS): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (this.replaying) {
      const wait = Math.min(this.lastUpdateAt + quietMs, deadline) - Date.now();
      if (wait <= 0) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.replaying = false;
  }
}
