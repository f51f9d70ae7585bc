import { performance } from 'node:perf_hooks';

/**
 * Milliseconds of output handling per turn of the event loop, across all workers. libuv reads each
 * ready pipe up to 32 times in one go, and a read can hold 64 KiB: fifty ACP agents a little ahead
 * of the host handed it ~3 MB of JSON lines in one turn (seconds of parsing), during which nothing
 * else in the extension host ran. A few milliseconds keep timers and the UI on time.
 */
export const READ_BUDGET_MS = 4;

/** A reader with work waiting: handles one bounded slice of it per call. */
export interface ThrottledReader {
  /** Takes the next slice off its backlog and handles it; answers whether more is waiting. */
  step(): boolean;
}

/**
 * Shares each turn of the event loop between the readers that have output waiting: one slice at a
 * time, round-robin, until the turn's budget is spent, then the rest waits for the next turn (after
 * timers and other I/O had their chance). At least one slice is handled per turn, so output always
 * moves; no reader can starve the others, because an unfinished one goes to the back of the line.
 */
export class ReadThrottle {
  private readonly waiting: ThrottledReader[] = [];
  private readonly queued = new Set<ThrottledReader>();
  private turn: NodeJS.Immediate | undefined;

  constructor(
    /** A reader's step threw: that slice is lost, and the reader goes on with the next one. */
    private readonly onError: (error: unknown) => void,
    private readonly budgetMs: number = READ_BUDGET_MS,
  ) {}

  /** Has `reader` handle its waiting work in the next turn, if it is not in line already. */
  schedule(reader: ThrottledReader): void {
    if (this.queued.has(reader)) {
      return;
    }
    this.queued.add(reader);
    this.waiting.push(reader);
    this.turn ??= setImmediate(() => this.runTurn());
  }

  private runTurn(): void {
    this.turn = undefined;
    const startedAt = performance.now();
    do {
      const reader = this.waiting.shift();
      if (reader === undefined) {
        break;
      }
      if (this.stepOf(reader)) {
        this.waiting.push(reader);
      } else {
        this.queued.delete(reader);
      }
    } while (performance.now() - startedAt < this.budgetMs);
    if (this.waiting.length > 0) {
      this.turn = setImmediate(() => this.runTurn());
    }
  }

  private stepOf(reader: ThrottledReader): boolean {
    try {
      return reader.step();
    } catch (error) {
      this.onError(error);
      // The slice was taken before it threw; another step finds out whether anything is left.
      return true;
    }
  }
}
