import * as assert from 'node:assert/strict';
import { carryOverOf } from '../../../../../src/core/sessions/acp/acpCarryOver';

describe('carrying a conversation over to an agent that could not reload it', () => {
  it('carries nothing when only the message being sent is there, or only empty messages', () => {
    assert.equal(carryOverOf([{ role: 'user', text: 'hello' }], 'hello'), undefined);
    assert.equal(carryOverOf([{ role: 'assistant', text: '  ' }], 'hello'), undefined);
  });

  it('keeps a last user message that is not the one being sent (a restart between turns)', () => {
    const carried = carryOverOf(
      [
        { role: 'user', text: 'fix the test' },
        { role: 'assistant', text: 'Done.' },
        { role: 'user', text: 'and the docs' },
      ],
      'anything else?',
    );
    assert.equal(carried?.messages, 3);
    assert.match(carried?.text ?? '', /User: fix the test\n\nAssistant: Done\.\n\nUser: and the docs\n\n/);
  });

  it('keeps the newest messages within the bound, cutting the oldest kept one from its start', () => {
    const carried = carryOverOf(
      [
        { role: 'user', text: 'one '.repeat(50) },
        { role: 'assistant', text: `${'a'.repeat(100)}TAIL` },
        { role: 'user', text: 'newest' },
      ],
      'next',
      60,
    );
    assert.equal(carried?.messages, 2);
    assert.match(carried?.text ?? '', /Assistant: …a{50}TAIL\n\nUser: newest\n\n/);
    assert.doesNotMatch(carried?.text ?? '', /one/);
  });
});
