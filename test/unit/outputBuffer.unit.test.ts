import * as assert from 'node:assert/strict';
import { stripAnsi } from '../../src/core/ansi';
import { LineSplitter, MAX_LINE_CHARS, OutputBuffer, OutputLine } from '../../src/core/outputBuffer';

function line(seq: number, text: string): OutputLine {
  return { seq, stream: 'stdout', text, at: 0, broken: false };
}

describe('LineSplitter', () => {
  it('splits strictly on LF, keeping U+2028 and U+2029 inside lines and dropping CR', () => {
    const splitter = new LineSplitter();
    const lines = splitter.push(Buffer.from('a\u2028b\u2029c\r\nsecond\npart'));
    assert.deepEqual(lines.map((l) => l.text), ['a\u2028b\u2029c', 'second']);
    assert.equal(splitter.end(), 'part');
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('é\n');
    assert.deepEqual(splitter.push(bytes.subarray(0, 1)), []);
    assert.deepEqual(splitter.push(bytes.subarray(1)).map((l) => l.text), ['é']);
  });

  it('breaks a 10 MB line without a newline into bounded pieces', () => {
    const splitter = new LineSplitter();
    const chunk = Buffer.alloc(64 * 1024, 'y');
    let pieces = 0;
    for (let i = 0; i < 160; i++) {
      for (const piece of splitter.push(chunk)) {
        assert.ok(piece.broken);
        assert.ok(piece.text.length <= MAX_LINE_CHARS);
        pieces += 1;
      }
    }
    // The last piece is only complete when the stream ends.
    assert.equal(pieces, 159);
    assert.equal(splitter.end()?.length, 64 * 1024);
  });
});

describe('OutputBuffer', () => {
  it('drops the oldest lines first once past its cap and counts them', () => {
    const buffer = new OutputBuffer(10);
    for (let i = 1; i <= 5; i++) {
      buffer.push(line(i, 'abcd'));
    }
    assert.deepEqual(buffer.snapshot().map((l) => l.seq), [4, 5]);
    assert.equal(buffer.byteLength, 10);
    assert.equal(buffer.droppedLines, 3);
    assert.equal(buffer.droppedBytes, 15);
  });

  it('returns the last lines when asked for a limit, and copies', () => {
    const buffer = new OutputBuffer(1_000);
    for (let i = 1; i <= 5; i++) {
      buffer.push(line(i, `l${i}`));
    }
    const tail = buffer.snapshot(2);
    assert.deepEqual(tail.map((l) => l.text), ['l4', 'l5']);
    tail.pop();
    assert.equal(buffer.lineCount, 5);
  });

  it('stays at its cap over a long flood, compacting as it goes', () => {
    const buffer = new OutputBuffer(64 * 1024);
    for (let i = 0; i < 200_000; i++) {
      buffer.push(line(i, 'x'.repeat(99)));
    }
    assert.ok(buffer.byteLength <= 64 * 1024);
    assert.equal(buffer.snapshot()[buffer.lineCount - 1].seq, 199_999);
  });
});

describe('stripAnsi', () => {
  it('removes colours, cursor moves and OSC hyperlinks, and leaves plain text alone', () => {
    assert.equal(stripAnsi('\x1b[31mred\x1b[0m \x1b[2K\x1b]8;;http://x\x07link\x1b]8;;\x07'), 'red link');
    const plain = 'no escapes here';
    assert.equal(stripAnsi(plain), plain);
  });
});
