import { describeError, Logger } from '../base/logger';

/**
 * Runs keyed callbacks at deadlines using a single timer armed for the earliest one, so the number
 * of timers never grows with the number of workers waiting to restart.
 */
export class DeadlineScheduler {
  private readonly due = new Map<string, { at: number; run: () => void }>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.due.size;
  }

  has(key: string): boolean {
    return this.due.has(key);
  }

  /** Schedules (or reschedules) `run` for `key` at epoch milliseconds `at`. */
  schedule(key: string, at: number, run: () => void): void {
    this.due.set(key, { at, run });
    if (at < this.armedFor) {
      this.arm();
    }
  }

  cancel(key: string): void {
    this.due.delete(key);
    if (this.due.size === 0) {
      this.disarm();
    }
  }

  dispose(): void {
    this.due.clear();
    this.disarm();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private arm(): void {
    this.disarm();
    let earliest = Infinity;
    for (const entry of this.due.values()) {
      earliest = Math.min(earliest, entry.at);
    }
    if (earliest === Infinity) {
      return;
    }
    this.armedFor = earliest;
    this.timer = setTimeout(() => this.fire(), Math.max(0, earliest - Date.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = Date.now();
    for (const [key, entry] of [...this.due]) {
      if (entry.at <= now) {
        this.due.delete(key);
        try {
          entry.run();
        } catch (error) {
          this.logger.error(`scheduled work for ${key} failed: ${describeError(error)}`);
        }
      }
    }
    this.arm();
  }
}
