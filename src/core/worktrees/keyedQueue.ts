/**
 * Runs async jobs one at a time per key, and jobs under different keys concurrently. Used so git
 * calls on one worktree never overlap (two would fight over its index.lock), while ten worktrees
 * refresh side by side.
 */
export class KeyedQueue {
  /** The tail of each key's chain; removed when the last job queued under the key settles. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Number of keys with a job queued or running. */
  get activeKeys(): number {
    return this.tails.size;
  }

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(job);
    // The chain continues whether this job succeeded or failed; its error belongs to its caller.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) {
        this.tails.delete(key);
      }
    });
    return result;
  }
}
