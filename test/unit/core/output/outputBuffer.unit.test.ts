import * as assert from 'node:assert/strict';
import { stripAnsi } from '../../../../src/core/output/ansi';
import { lastCharBoundary, MAX_LINE_BYTES, OutputBuffer } from '../../../../src/core/output/outputBuffer';

/** Writes `chunks` to a fresh buffer's stdout, as a process would, and returns the buffer. */
function written(capBytes: number, ...chunks: Array<string | Buffer>): OutputBuffer {
  const buffer = new OutputBuffer(capBytes);
  const writer = buffer.writer('stdout');
  for (const chunk of chunks) {
    writer.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, 1);
  }
  return buffer;
}

function texts(buffer: OutputBuffer): string[] {
  return buffer.snapshot().map((line) => line.text);
}

describe('OutputBuffer lines', () => {
  it('splits strictly on LF, keeping U+2028 and U+2029 inside lines and dropping CR', () => {
    const buffer = new OutputBuffer(1_024);
    const writer = buffer.writer('stdout');
    assert.equal(writer.push(Buffer.from('a\u2028b\u2029c\r\nsecond\npart'), 1), 2);
    assert.deepEqual(texts(buffer), ['a\u2028b\u2029c', 'second']);
    assert.equal(writer.end(2), 1);
    assert.deepEqual(texts(buffer), ['a\u2028b\u2029c', 'second', 'part']);
  });

  it('keeps a UTF-8 character split across chunks whole, and a CR split from its LF', () => {
    const bytes = Buffer.from('é\r\n');
    const buffer = written(1_024, bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3));
    assert.deepEqual(texts(buffer), ['é']);
  });

  it('keeps stdout and stderr lines apart when their chunks interleave', () => {
    const buffer = new OutputBuffer(1_024);
    const out = buffer.writer('stdout');
    const err = buffer.writer('stderr');
    out.push(Buffer.from('out '), 1);
    err.push(Buffer.from('err line\n'), 2);
    out.push(Buffer.from('line\n'), 3);
    assert.deepEqual(
      buffer.snapshot().map((line) => [line.seq, line.stream, line.text, line.at]),
      [
        [1, 'stderr', 'err line', 2],
        [2, 'stdout', 'out line', 3],
      ],
    );
  });

  it('breaks a 10 MB line without a newline into bounded pieces', () => {
    const buffer = new OutputBuffer(4 * MAX_LINE_BYTES);
    const writer = buffer.writer('stdout');
    const chunk = Buffer.alloc(64 * 1024, 'y');
    let pieces = 0;
    for (let i = 0; i < 160; i++) {
      pieces += writer.push(chunk, 1);
    }
    // The last piece is only complete when the stream ends.
    assert.equal(pieces, 159);
    assert.ok(buffer.snapshot().every((line) => line.broken && Buffer.byteLength(line.text) === MAX_LINE_BYTES));
    assert.equal(writer.end(2), 1);
    assert.equal(buffer.snapshot().at(-1)?.text.length, 64 * 1024);
    assert.equal(buffer.snapshot().at(-1)?.broken, false);
  });

  it('keeps a line of exactly the limit whole', () => {
    const buffer = written(4 * MAX_LINE_BYTES, 'z'.repeat(MAX_LINE_BYTES - 10), 'z'.repeat(10) + '\nnext\n');
    assert.deepEqual(
      buffer.snapshot().map((line) => [line.text.length, line.broken]),
      [
        [MAX_LINE_BYTES, false],
        [4, false],
      ],
    );
  });

  it('never cuts an overlong line inside a character', () => {
    const buffer = written(4 * MAX_LINE_BYTES, 'a' + '€'.repeat(MAX_LINE_BYTES), '\n');
    const joined = buffer
      .snapshot()
      .map((line) => line.text)
      .join('');
    assert.equal(joined, 'a' + '€'.repeat(MAX_LINE_BYTES));
    assert.ok(!joined.includes('\ufffd'));
  });

  it('finds the last whole character before a cut', () => {
    const euro = Buffer.from('a€'); // 61 e2 82 ac
    assert.equal(lastCharBoundary(euro, 4), 4);
    assert.equal(lastCharBoundary(euro, 3), 1);
    assert.equal(lastCharBoundary(euro, 2), 1);
    assert.equal(lastCharBoundary(euro, 1), 1);
  });
});

describe('OutputBuffer bounds', () => {
  it('drops the oldest lines first once past its cap and counts them', () => {
    const buffer = written(1_024, ...Array.from({ length: 300 }, (_, i) => `${String(i).padStart(4, '0')}\n`));
    assert.ok(buffer.byteLength <= 1_024);
    assert.equal(buffer.byteLength, buffer.lineCount * 5);
    assert.equal(buffer.droppedLines, 300 - buffer.lineCount);
    assert.equal(buffer.droppedBytes, buffer.droppedLines * 5);
    assert.equal(buffer.snapshot().at(-1)?.text, '0299');
    assert.equal(buffer.snapshot()[0].seq, buffer.droppedLines + 1);
  });

  it('returns the last lines when asked for a limit, and copies', () => {
    const buffer = written(1_024, 'l1\nl2\nl3\nl4\nl5\n');
    const tail = buffer.snapshot(2);
    assert.deepEqual(
      tail.map((line) => line.text),
      ['l4', 'l5'],
    );
    tail.pop();
    assert.equal(buffer.lineCount, 5);
    assert.deepEqual(
      buffer.linesBetween(2, 4).map((line) => line.text),
      ['l3', 'l4'],
    );
  });

  it('reads lines back intact after the ring wrapped many times', () => {
    const buffer = new OutputBuffer(100_000);
    const writer = buffer.writer('stdout');
    for (let i = 0; i < 20_000; i++) {
      writer.push(Buffer.from(`line ${i} ${'x'.repeat(i % 97)}\n`), i);
    }
    const kept = buffer.snapshot();
    assert.ok(buffer.byteLength <= 100_000 && buffer.byteLength > 100_000 - 200, `held ${buffer.byteLength}`);
    kept.forEach((line, index) => {
      const i = 20_000 - kept.length + index;
      assert.equal(line.text, `line ${i} ${'x'.repeat(i % 97)}`);
      assert.equal(line.seq, i + 1);
      assert.equal(line.at, i);
    });
  });

  it('bounds the line count too, so a stream of empty lines cannot grow the index past its share', () => {
    const buffer = written(64 * 1024, '\n'.repeat(100_000));
    assert.equal(buffer.lineCount, 2_048);
    assert.equal(buffer.snapshot().at(-1)?.seq, 100_000);
  });

  it('forgets its lines on clear but keeps counting seqs', () => {
    const buffer = written(1_024, 'a\nb\n');
    buffer.clear();
    assert.deepEqual(buffer.snapshot(), []);
    buffer.writer('stdout').push(Buffer.from('c\n'), 5);
    assert.deepEqual(
      buffer.snapshot().map((line) => [line.seq, line.text]),
      [[3, 'c']],
    );
  });
});

describe('stripAnsi', () => {
  it('removes colours, cursor moves and OSC hyperlinks, and leaves plain text alone', () => {
    assert.equal(stripAnsi('\x1b[31mred\x1b[0m \x1b[2K\x1b]8;;http://x\x07link\x1b]8;;\x07'), 'red link');
    const plain = 'no escapes here';
    assert.equal(stripAnsi(plain), plain);
  });
});
