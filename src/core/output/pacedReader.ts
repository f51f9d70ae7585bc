import { Readable } from 'node:stream';
import { ReadThrottle, ThrottledReader } from './readThrottle';

/**
 * Bytes handled in one step. An ACP line of ~150 bytes costs ~20 µs to parse and apply, so a slice
 * of 4 KiB is about half a millisecond: fine enough for the turn's budget, coarse enough that the
 * bookkeeping per slice is noise next to plain output's line splitting.
 */
export const SLICE_BYTES = 4 * 1024;

/**
 * Backlog at which the stream is paused. Pausing and resuming a pipe costs a tick of stream
 * bookkeeping; for fifty agents each writing one short line at a time, doing it per line was a tenth
 * of the host's work. Below one pipe read's worth (64 KiB) the backlog is cheap to hold.
 */
export const PAUSE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

/** Where the next slice of `chunk` ends: after the last newline within the slice size, if any. */
function sliceEnd(chunk: Buffer, sliceBytes: number): number {
  if (chunk.length <= sliceBytes) {
    return chunk.length;
  }
  const newline = chunk.lastIndexOf(NEWLINE, sliceBytes - 1);
  return newline >= 0 ? newline + 1 : sliceBytes;
}

export interface PacedReaderHandlers {
  /** A slice of the stream, in order; cut after a newline where one falls within the slice size. */
  readonly data: (slice: Buffer) => void;
  /** The stream ended, once every slice before it was handled. */
  readonly end: () => void;
}

/**
 * Reads one stream through a ReadThrottle: each chunk waits in a backlog and is handled slice by
 * slice in the throttle's turns. Once its backlog holds PAUSE_BYTES the stream is paused until the
 * backlog is handled, so a process writing faster than the host handles its output waits on a full
 * pipe, as with any slow reader, instead of growing the host's memory or its turns.
 */
export class PacedReader implements ThrottledReader {
  private readonly backlog: Buffer[] = [];
  private backlogBytes = 0;
  private ended = false;
  private endHandled = false;
  /** Set when this reader paused the stream: a stream paused by someone else stays theirs to resume. */
  private pausedHere = false;

  constructor(
    private readonly stream: Readable,
    private readonly throttle: ReadThrottle,
    private readonly handlers: PacedReaderHandlers,
    private readonly sliceBytes: number = SLICE_BYTES,
    private readonly pauseBytes: number = PAUSE_BYTES,
  ) {}

  /** A chunk read from the stream (or handed over from before the reader existed). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) {
      return;
    }
    this.backlog.push(chunk);
    this.backlogBytes += chunk.length;
    if (this.backlogBytes >= this.pauseBytes && !this.stream.isPaused()) {
      this.stream.pause();
      this.pausedHere = true;
    }
    this.throttle.schedule(this);
  }

  /** The stream ended: handled after the backlog. */
  end(): void {
    this.ended = true;
    this.throttle.schedule(this);
  }

  step(): boolean {
    const chunk = this.backlog.shift();
    if (chunk !== undefined) {
      const cut = sliceEnd(chunk, this.sliceBytes);
      if (cut < chunk.length) {
        this.backlog.unshift(chunk.subarray(cut));
      }
      this.backlogBytes -= cut;
      this.handlers.data(cut === chunk.length ? chunk : chunk.subarray(0, cut));
    }
    if (this.backlog.length > 0) {
      return true;
    }
    this.caughtUp();
    return false;
  }

  /** A paused stream is resumed only once its backlog is gone, so a flood pauses once per backlog, not per slice. */
  private caughtUp(): void {
    if (this.ended && !this.endHandled) {
      this.endHandled = true;
      this.handlers.end();
    } else if (this.pausedHere) {
      this.pausedHere = false;
      this.stream.resume();
    }
  }
}
