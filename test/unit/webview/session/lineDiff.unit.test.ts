import * as assert from 'node:assert/strict';
import { DiffLine, lineDiff } from '../../../../src/webview/session/lineDiff';

function show(lines: readonly DiffLine[]): string[] {
  return lines.map((line) => `${line.kind === 'add' ? '+' : line.kind === 'del' ? '-' : ' '}${line.text}`);
}

describe('the line diff of a tool call', () => {
  it('keeps the common lines and marks what was removed and added', () => {
    assert.deepEqual(show(lineDiff('a\nb\nc\nd\n', 'a\nB\nc\nd\ne\n')), [' a', '-b', '+B', ' c', ' d', '+e']);
  });

  it('shows a new file (no old text) as all added, and a deleted text as all removed', () => {
    assert.deepEqual(show(lineDiff(undefined, 'x\ny')), ['+x', '+y']);
    assert.deepEqual(show(lineDiff('x\ny', '')), ['-x', '-y']);
  });

  it('treats CRLF and LF line ends alike', () => {
    assert.deepEqual(show(lineDiff('a\r\nb\r\n', 'a\nb\n')), [' a', ' b']);
  });

  it('falls back to all removed then all added for a rewrite too large to align, and stays complete', () => {
    const before = Array.from({ length: 3_000 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 3_000 }, (_, i) => `new ${i}`).join('\n');
    const lines = lineDiff(`head\n${before}\ntail`, `head\n${after}\ntail`);
    assert.equal(lines.length, 6_002);
    assert.deepEqual(lines[0], { kind: 'same', text: 'head' });
    assert.equal(lines.filter((line) => line.kind === 'del').length, 3_000);
    assert.equal(lines.filter((line) => line.kind === 'add').length, 3_000);
    assert.deepEqual(lines[6_001], { kind: 'same', text: 'tail' });
  });
});
