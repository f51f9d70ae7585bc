import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ReadThrottle } from '../../../../src/core/output/readThrottle';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ReadThrottle', () => {
  it("pauses the stream that spends the turn's budget and resumes it on the next turn", async () => {
    const throttle = new ReadThrottle(100);
    const a = new PassThrough();
    const b = new PassThrough();
    a.resume();
    b.resume();
    throttle.charge(a, 60);
    assert.equal(a.isPaused(), false, 'under budget: keeps reading');
    throttle.charge(b, 60);
    assert.equal(b.isPaused(), true, 'the stream that overspent is paused');
    assert.equal(a.isPaused(), false);
    await nextTurn();
    assert.equal(b.isPaused(), false, 'resumed on the next turn');
    throttle.charge(a, 60);
    assert.equal(a.isPaused(), false, 'the budget starts afresh every turn');
  });

  it('leaves a stream paused by someone else to them', async () => {
    const throttle = new ReadThrottle(10);
    const stream = new PassThrough();
    stream.pause();
    throttle.charge(stream, 100);
    await nextTurn();
    assert.equal(stream.isPaused(), true);
  });
});
