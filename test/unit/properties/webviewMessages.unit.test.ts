import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseWebviewMessage, WebviewMessage } from '../../../src/shared/sessionProtocol';
import { targetNamed } from '../../helpers/untrusted/allTargets';
import { assertInvariants, UNIT_RUNS } from '../../helpers/untrusted/parserTarget';

const validMessage: fc.Arbitrary<WebviewMessage> = fc.oneof(
  fc.constant({ type: 'ready' as const }),
  fc.constant({ type: 'interrupt' as const }),
  fc
    .string({ minLength: 1 })
    .filter((s) => s.trim() !== '')
    .map((text) => ({ type: 'send' as const, text })),
  fc.record(
    {
      type: fc.constant('permission' as const),
      requestId: fc.string({ minLength: 1, maxLength: 200 }),
      decision: fc.constantFrom('allow' as const, 'deny' as const, 'allow-session' as const),
    },
    { noNullPrototype: true },
  ),
  fc.webUrl().map((href) => ({ type: 'openLink' as const, href })),
);

describe('properties: webview messages', () => {
  it('never throw on any value, and accept only the shapes of the WebviewMessage union', () => {
    assertInvariants(targetNamed('webview messages'));
  });

  it('every well-formed message is accepted as sent, extra fields dropped', () => {
    fc.assert(
      fc.property(validMessage, fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }), (message, extra) => {
        assert.deepEqual(parseWebviewMessage({ ...extra, ...message }), { ok: true, message });
      }),
      { numRuns: UNIT_RUNS },
    );
  });
});
