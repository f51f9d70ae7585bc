import * as assert from 'node:assert/strict';
import {
  checkTitle,
  MAX_AUTO_TITLE_CHARS,
  MAX_TITLE_CHARS,
  titleFromMessage,
} from '../../../../src/core/sessions/sessionTitle';

describe('session titles', () => {
  it('takes the first line with words, blanks collapsed and trimmed', () => {
    assert.equal(titleFromMessage('\n   \n  Fix   the\tflaky test  \nand then more'), 'Fix the flaky test');
  });

  it('cuts a long first line at a word, with an ellipsis', () => {
    const title = titleFromMessage(`Please ${'refactor '.repeat(20)}now`);
    assert.ok(title);
    assert.ok(title.length <= MAX_AUTO_TITLE_CHARS, title);
    assert.match(title, /^Please refactor( refactor)+…$/);
  });

  it('cuts one very long word mid-word rather than leaving almost nothing', () => {
    const title = titleFromMessage(`go ${'x'.repeat(200)}`);
    assert.equal(title, `go ${'x'.repeat(MAX_AUTO_TITLE_CHARS - 4)}…`);
  });

  it('gives no title for a message without words, and keeps control characters out', () => {
    assert.equal(titleFromMessage(' \n\t\n'), undefined);
    assert.equal(titleFromMessage('a\u0007b\u2028c'), 'a b c');
  });

  it('accepts a typed name on one line, and names what is wrong with a bad one', () => {
    assert.equal(checkTitle('  Release\nnotes '), 'Release notes');
    assert.throws(() => checkTitle(' \n '), /cannot be empty/);
    assert.throws(() => checkTitle('x'.repeat(MAX_TITLE_CHARS + 1)), /at most 120 characters \(this one has 121\)/);
  });
});
