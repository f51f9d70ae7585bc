import * as assert from 'node:assert/strict';
import { parseUsageMessage } from '../../../src/shared/usageProtocol';

describe('usage page messages', () => {
  it('accepts ready and a worker selection', () => {
    assert.deepEqual(parseUsageMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parseUsageMessage({ type: 'selectWorker', workerId: 'web' }), {
      ok: true,
      message: { type: 'selectWorker', workerId: 'web' },
    });
  });

  it('refuses anything else with a reason naming what was wrong', () => {
    const refused = (value: unknown): string => {
      const parsed = parseUsageMessage(value);
      assert.ok(!parsed.ok, `${JSON.stringify(value)} was accepted`);
      return parsed.reason;
    };
    assert.match(refused(null), /not an object/);
    assert.match(refused([1]), /not an object/);
    assert.match(refused({ type: 'openLink', href: 'http://x' }), /unknown message type "openLink"/);
    assert.match(refused({ type: 'selectWorker' }), /"workerId"/);
    assert.match(refused({ type: 'selectWorker', workerId: 7 }), /not 7/);
    assert.match(refused({ type: 'selectWorker', workerId: 'x'.repeat(201) }), /1 to 200 characters/);
  });
});
