import { Disposable } from '../../core/base/events';

/**
 * Collects keys and hands them over together at most once per interval, so a burst of changes (a
 * crash loop, a metrics tick over fifty workers) costs one refresh instead of fifty.
 */
export class Coalescer<K> implements Disposable {
  private pending = new Set<K>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly flush: (keys: ReadonlySet<K>) => void,
  ) {}

  add(key: K): void {
    this.pending.add(key);
    this.timer ??= setTimeout(() => this.fire(), this.delayMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private fire(): void {
    this.timer = undefined;
    const keys = this.pending;
    this.pending = new Set();
    this.flush(keys);
  }
}
