import { StringDecoder } from 'node:string_decoder';

export type OutputStream = 'stdout' | 'stderr';

/** One line of a worker's output, as the worker wrote it (escape sequences included, no newline). */
export interface OutputLine {
  /** Increases by one per line of a worker, across restarts, so consumers can tell what they have seen. */
  readonly seq: number;
  readonly stream: OutputStream;
  readonly text: string;
  /** Epoch milliseconds when the line was complete. */
  readonly at: number;
  /** True when the line was cut because it grew past MAX_LINE_CHARS without a newline. */
  readonly broken: boolean;
}

/**
 * A line that never ends (a progress bar without newlines, a 10 MB JSON blob) would otherwise grow
 * without bound; past this many characters it is emitted in pieces.
 */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Splits a byte stream into lines strictly on LF (U+2028/U+2029 are content, not line ends), decoding
 * UTF-8 across chunk boundaries and dropping a trailing CR.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /**
   * Feeds a chunk and returns the complete lines it finished, and whether each was broken. Lines are
   * sliced straight out of the decoded chunk: joining it to the unfinished line first (and splitting
   * the whole) copied every byte of a flood once more, which the garbage collector then paid for.
   */
  push(chunk: Buffer): Array<{ text: string; broken: boolean }> {
    const text = this.decoder.write(chunk);
    const lines: Array<{ text: string; broken: boolean }> = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      let line = text.slice(start, newline);
      if (this.pending !== '') {
        // Only the first line of a chunk continues what the previous chunk left unfinished.
        line = this.pending + line;
        this.pending = '';
      }
      lines.push({ text: line.endsWith('\r') ? line.slice(0, -1) : line, broken: false });
      start = newline + 1;
    }
    this.pending += text.slice(start);
    while (this.pending.length > MAX_LINE_CHARS) {
      lines.push({ text: this.pending.slice(0, MAX_LINE_CHARS), broken: true });
      this.pending = this.pending.slice(MAX_LINE_CHARS);
    }
    return lines;
  }

  /** Returns what is left once the stream has ended (a last line with no newline), if anything. */
  end(): string | undefined {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest === '' ? undefined : rest;
  }
}

/**
 * A bounded buffer of lines. When the bytes held pass the cap, the oldest lines are dropped first
 * and counted, so memory stays flat however much a worker prints.
 */
export class OutputBuffer {
  /** Dropped slots are cleared to undefined so their text can be collected before the next compaction. */
  private lines: Array<OutputLine | undefined> = [];
  /** Index of the oldest kept line: dropping from the front is O(1), the array is compacted rarely. */
  private head = 0;
  private bytesHeld = 0;
  private dropped = { lines: 0, bytes: 0 };

  constructor(readonly capBytes: number) {}

  get byteLength(): number {
    return this.bytesHeld;
  }

  get droppedLines(): number {
    return this.dropped.lines;
  }

  get droppedBytes(): number {
    return this.dropped.bytes;
  }

  get lineCount(): number {
    return this.lines.length - this.head;
  }

  push(line: OutputLine): void {
    this.lines.push(line);
    this.bytesHeld += lineBytes(line);
    while (this.bytesHeld > this.capBytes && this.head < this.lines.length) {
      const oldest = this.lines[this.head] as OutputLine;
      this.lines[this.head] = undefined;
      this.head += 1;
      const bytes = lineBytes(oldest);
      this.bytesHeld -= bytes;
      this.dropped.lines += 1;
      this.dropped.bytes += bytes;
    }
    if (this.head > 1_024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  /** A copy of the kept lines, oldest first; at most the last `limit` when given. */
  snapshot(limit?: number): OutputLine[] {
    const start = limit === undefined ? this.head : Math.max(this.head, this.lines.length - limit);
    return this.lines.slice(start) as OutputLine[];
  }

  clear(): void {
    this.lines = [];
    this.head = 0;
    this.bytesHeld = 0;
  }
}

/** UTF-8 size of the line plus its newline. */
export function lineBytes(line: OutputLine): number {
  return Buffer.byteLength(line.text) + 1;
}
