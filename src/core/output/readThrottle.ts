import { Readable } from 'node:stream';

/**
 * Output bytes handled per turn of the event loop, across all workers, before reading pauses until
 * the next turn. libuv reads each ready pipe up to 32 times in one go, so ten workers printing as
 * fast as they can handed the supervisor ~15 MB (150 ms of splitting) in a single turn, during
 * which nothing else in the extension host ran. A quarter of a MiB is a few milliseconds of work.
 */
export const READ_BUDGET_BYTES = 256 * 1024;

/**
 * Keeps a flood of output from monopolising the event loop: once the turn's budget is spent, the
 * stream that overspent is paused (so its pipe fills and the writer waits, as with any slow
 * reader) and resumed on the next turn, after timers and other I/O had their chance.
 */
export class ReadThrottle {
  private spent = 0;
  private readonly paused = new Set<Readable>();
  private resetScheduled = false;

  constructor(private readonly budgetBytes: number = READ_BUDGET_BYTES) {}

  /** Records that `bytes` were just handled from `stream`; pauses it if the turn's budget is spent. */
  charge(stream: Readable, bytes: number): void {
    this.spent += bytes;
    if (!this.resetScheduled) {
      this.resetScheduled = true;
      setImmediate(() => this.nextTurn());
    }
    // A stream paused by someone else stays theirs to resume.
    if (this.spent >= this.budgetBytes && !stream.isPaused()) {
      stream.pause();
      this.paused.add(stream);
    }
  }

  private nextTurn(): void {
    this.resetScheduled = false;
    this.spent = 0;
    const streams = [...this.paused];
    this.paused.clear();
    for (const stream of streams) {
      stream.resume();
    }
  }
}
