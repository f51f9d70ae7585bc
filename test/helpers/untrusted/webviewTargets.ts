import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseWebviewMessage } from '../../../src/shared/sessionProtocol';
import { anyText, shaped } from './arbitraries';
import { checkMessage, target } from './parserTarget';

/** Messages from the session webview, which renders agent output and so is not trusted. */

export const webviewMessageShape = shaped({
  // Structured clone carries BigInts and nested values: a type of any kind must be described safely.
  type: fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        'ready',
        'send',
        'interrupt',
        'permission',
        'openLink',
        'worktree',
        'rewind',
        'runCommand',
      ),
    },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withMap: true }) },
  ),
  text: fc.oneof(anyText, fc.constant('x'.repeat(100_001))),
  requestId: anyText,
  decision: fc.constantFrom('allow', 'deny', 'allow-session', 'always'),
  href: anyText,
  action: fc.constantFrom('review', 'accept', 'discard', 'merge'),
  entryId: fc.oneof(fc.integer(), fc.double(), anyText),
});

const MESSAGE_KEYS: Record<string, readonly string[]> = {
  ready: ['type'],
  interrupt: ['type'],
  send: ['type', 'text'],
  permission: ['type', 'requestId', 'decision'],
  openLink: ['type', 'href'],
  worktree: ['type', 'action'],
  rewind: ['type', 'entryId'],
};

export const webviewMessages = target(
  'webview messages',
  fc.oneof(
    { weight: 4, arbitrary: webviewMessageShape },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true, withMap: true }) },
  ),
  (value) => parseWebviewMessage(value),
  (_value, parsed) => {
    if (!parsed.ok) {
      checkMessage(parsed.reason);
      return;
    }
    const keys = MESSAGE_KEYS[parsed.message.type];
    assert.ok(keys, `an accepted message of type ${parsed.message.type}`);
    assert.deepEqual(Object.keys(parsed.message).sort(), [...keys].sort());
    for (const [key, value] of Object.entries(parsed.message)) {
      if (key === 'entryId') {
        assert.ok(Number.isSafeInteger(value) && Number(value) >= 0, `entryId ${String(value)}`);
      } else {
        assert.equal(typeof value, 'string');
      }
    }
  },
);
