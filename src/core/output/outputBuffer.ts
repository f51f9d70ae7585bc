export type OutputStream = 'stdout' | 'stderr';

/** One line of a worker's output, as the worker wrote it (escape sequences included, no newline). */
export interface OutputLine {
  /** Increases by one per line of a worker, across restarts, so consumers can tell what they have seen. */
  readonly seq: number;
  readonly stream: OutputStream;
  readonly text: string;
  /** Epoch milliseconds when the line was complete. */
  readonly at: number;
  /** True when the line was cut because it grew past MAX_LINE_BYTES without a newline. */
  readonly broken: boolean;
}

/**
 * A line that never ends (a progress bar without newlines, a 10 MB JSON blob) would otherwise grow
 * without bound; past this many bytes it is kept in pieces, cut between characters.
 */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * The line index holds at most one line per this many bytes of the cap, so a worker printing empty
 * lines cannot make the index outgrow the bytes it indexes (17 bytes per line).
 */
const MIN_AVERAGE_LINE_BYTES = 32;
const MIN_LINE_SLOTS = 1_024;
const FLAG_STDERR = 1;
const FLAG_BROKEN = 2;
const LF = 0x0a;
const CR = 0x0d;
const EMPTY = Buffer.alloc(0);

/**
 * A worker's output, bounded by bytes: a ring of raw bytes plus an index of where each line starts.
 * Lines become strings only when someone reads them. Holding each line as a string instead made every
 * byte of a flood live long enough to be promoted to V8's old generation, where it waited for a full
 * collection: the extension host's memory grew by several times the caps during a flood, for output
 * of workers nobody was looking at. When the bytes held pass the cap, the oldest lines are dropped
 * first and counted.
 */
export class OutputBuffer {
  private bytes: Buffer = EMPTY;
  /** Absolute byte positions (they only grow) of the oldest kept byte and of the end. */
  private startPos = 0;
  private endPos = 0;
  /** Per line slot (seq modulo the slot count): absolute start, completion time, stream and broken flags. */
  private starts = new Float64Array(0);
  private times = new Float64Array(0);
  private flags = new Uint8Array(0);
  private firstSeq = 1;
  private nextSeq = 1;
  /** Bytes held, counting a newline per line, as the worker printed them. */
  private held = 0;
  private dropped = { lines: 0, bytes: 0 };
  private readonly maxLines: number;
  /** Longest line kept whole: a line and its newline always fit in the cap. */
  readonly maxLineBytes: number;

  constructor(readonly capBytes: number) {
    this.maxLines = Math.max(MIN_LINE_SLOTS, Math.floor(capBytes / MIN_AVERAGE_LINE_BYTES));
    this.maxLineBytes = Math.max(4, Math.min(MAX_LINE_BYTES, capBytes - 1));
  }

  get byteLength(): number {
    return this.held;
  }

  get droppedLines(): number {
    return this.dropped.lines;
  }

  get droppedBytes(): number {
    return this.dropped.bytes;
  }

  get lineCount(): number {
    return this.nextSeq - this.firstSeq;
  }

  /** Seq of the last line written, kept or not (0 before the first). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** When the last kept line was complete (0 when none is kept). */
  get lastAt(): number {
    return this.lineCount > 0 ? this.times[this.slot(this.lastSeq)] : 0;
  }

  /** A writer that splits one stream of one process into lines; a new process gets new writers. */
  writer(stream: OutputStream): LineWriter {
    return new LineWriter(this, stream);
  }

  /** Keeps `source[from, to)` as a complete line, dropping the oldest lines to make room. */
  append(stream: OutputStream, source: Buffer, from: number, to: number, broken: boolean, at: number): void {
    const length = to - from;
    while (this.lineCount > 0 && (this.held + length + 1 > this.capBytes || this.lineCount >= this.maxLines)) {
      this.dropOldest();
    }
    if (this.bytes.length === 0) {
      this.allocate();
    }
    this.writeAt(this.endPos, source, from, to);
    const slot = this.slot(this.nextSeq);
    this.starts[slot] = this.endPos;
    this.times[slot] = at;
    this.flags[slot] = (stream === 'stderr' ? FLAG_STDERR : 0) | (broken ? FLAG_BROKEN : 0);
    this.nextSeq += 1;
    this.endPos += length;
    this.held += length + 1;
  }

  /** A copy of the kept lines, oldest first; at most the last `limit` when given. */
  snapshot(limit?: number): OutputLine[] {
    return this.linesBetween(0, this.lastSeq, limit);
  }

  /** The kept lines with `afterSeq < seq <= upToSeq`, oldest first; at most the last `limit` of them. */
  linesBetween(afterSeq: number, upToSeq: number, limit?: number): OutputLine[] {
    const last = Math.min(upToSeq, this.lastSeq);
    let first = Math.max(afterSeq + 1, this.firstSeq);
    if (limit !== undefined) {
      first = Math.max(first, last - limit + 1);
    }
    const lines: OutputLine[] = [];
    for (let seq = first; seq <= last; seq++) {
      lines.push(this.line(seq));
    }
    return lines;
  }

  /** Forgets the kept lines and frees their memory; seqs go on from where they were. */
  clear(): void {
    this.firstSeq = this.nextSeq;
    this.startPos = this.endPos;
    this.held = 0;
    this.bytes = EMPTY;
    this.starts = new Float64Array(0);
    this.times = new Float64Array(0);
    this.flags = new Uint8Array(0);
  }

  private line(seq: number): OutputLine {
    const slot = this.slot(seq);
    const start = this.starts[slot];
    const flags = this.flags[slot];
    return {
      seq,
      stream: flags & FLAG_STDERR ? 'stderr' : 'stdout',
      text: this.decode(start, this.lineEnd(seq) - start),
      at: this.times[slot],
      broken: (flags & FLAG_BROKEN) !== 0,
    };
  }

  private lineEnd(seq: number): number {
    return seq === this.lastSeq ? this.endPos : this.starts[this.slot(seq + 1)];
  }

  private decode(position: number, length: number): string {
    if (length === 0) {
      return '';
    }
    const size = this.bytes.length;
    const start = position % size;
    if (start + length <= size) {
      return this.bytes.toString('utf8', start, start + length);
    }
    // A line that wraps around the end of the ring: a character may straddle the seam.
    return Buffer.concat([this.bytes.subarray(start), this.bytes.subarray(0, length - (size - start))]).toString(
      'utf8',
    );
  }

  private dropOldest(): void {
    const length = this.lineEnd(this.firstSeq) - this.starts[this.slot(this.firstSeq)];
    this.firstSeq += 1;
    this.startPos += length;
    this.held -= length + 1;
    this.dropped.lines += 1;
    this.dropped.bytes += length + 1;
  }

  private slot(seq: number): number {
    return seq % this.starts.length;
  }

  /**
   * Storage is allocated at its full size on first use and never copied. Pages the kernel has not
   * been written to are not resident, so a worker that prints little costs little; growing by
   * doubling instead left each discarded smaller buffer as garbage for the next collection.
   */
  private allocate(): void {
    this.bytes = Buffer.allocUnsafeSlow(this.capBytes);
    this.starts = new Float64Array(this.maxLines);
    this.times = new Float64Array(this.maxLines);
    this.flags = new Uint8Array(this.maxLines);
  }

  /** Copies `source[from, to)` into the ring at absolute `position`, wrapping at its end. */
  private writeAt(position: number, source: Buffer, from: number, to: number): void {
    const start = position % this.bytes.length;
    const firstPart = Math.min(to - from, this.bytes.length - start);
    source.copy(this.bytes, start, from, from + firstPart);
    if (firstPart < to - from) {
      source.copy(this.bytes, 0, from + firstPart, to);
    }
  }
}

/**
 * Splits one byte stream into lines strictly on LF (U+2028/U+2029 are content, not line ends) and
 * drops a CR before it. Complete lines go straight from the chunk into the buffer; only the unfinished
 * end of a chunk is staged, so a multi-byte character split across chunks stays whole.
 */
export class LineWriter {
  private staged: Buffer = EMPTY;
  private stagedLength = 0;

  constructor(
    private readonly buffer: OutputBuffer,
    private readonly stream: OutputStream,
  ) {}

  /** Feeds a chunk; returns how many lines it completed (pieces of an overlong line included). */
  push(chunk: Buffer, at: number): number {
    let lines = 0;
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(LF, from);
      const to = newline < 0 ? chunk.length : newline;
      if (newline >= 0 && this.stagedLength === 0 && to - from <= this.buffer.maxLineBytes) {
        this.buffer.append(this.stream, chunk, from, withoutCr(chunk, from, to), false, at);
        lines += 1;
      } else {
        lines += this.stage(chunk, from, to, at);
        if (newline >= 0) {
          this.buffer.append(this.stream, this.staged, 0, withoutCr(this.staged, 0, this.stagedLength), false, at);
          this.stagedLength = 0;
          lines += 1;
        }
      }
      if (newline < 0) {
        return lines;
      }
      from = newline + 1;
    }
  }

  /** Keeps what is left once the stream has ended (a last line with no newline); returns 1 if there was any. */
  end(at: number): number {
    if (this.stagedLength === 0) {
      return 0;
    }
    this.buffer.append(this.stream, this.staged, 0, this.stagedLength, false, at);
    this.stagedLength = 0;
    this.staged = EMPTY;
    return 1;
  }

  /** Adds `source[from, to)` to the unfinished line, keeping full pieces of an overlong one as broken lines. */
  private stage(source: Buffer, from: number, to: number, at: number): number {
    const limit = this.buffer.maxLineBytes;
    if (this.staged.length < limit && this.stagedLength + (to - from) > this.staged.length) {
      const grown = Buffer.allocUnsafeSlow(Math.min(limit, Math.max(256, (this.stagedLength + to - from) * 2)));
      this.staged.copy(grown, 0, 0, this.stagedLength);
      this.staged = grown;
    }
    let pieces = 0;
    while (from < to) {
      // Only cut when more must go in: a line of exactly the limit still ends whole at its newline.
      if (this.stagedLength === limit) {
        this.keepBrokenPiece(at);
        pieces += 1;
      }
      const taken = Math.min(to - from, limit - this.stagedLength);
      source.copy(this.staged, this.stagedLength, from, from + taken);
      this.stagedLength += taken;
      from += taken;
    }
    return pieces;
  }

  /** Keeps the staged bytes up to the last whole character as a broken line; the rest starts the next piece. */
  private keepBrokenPiece(at: number): void {
    const cut = lastCharBoundary(this.staged, this.stagedLength);
    this.buffer.append(this.stream, this.staged, 0, cut, true, at);
    this.staged.copyWithin(0, cut, this.stagedLength);
    this.stagedLength -= cut;
  }
}

function withoutCr(source: Buffer, from: number, to: number): number {
  return to > from && source[to - 1] === CR ? to - 1 : to;
}

/** The length of the longest prefix of `bytes[0, length)` that does not end inside a UTF-8 character. */
export function lastCharBoundary(bytes: Buffer, length: number): number {
  let lead = length - 1;
  while (lead > 0 && length - lead < 4 && (bytes[lead] & 0xc0) === 0x80) {
    lead -= 1;
  }
  const byte = bytes[lead];
  const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return lead >= 0 && lead + size > length ? lead : length;
}
