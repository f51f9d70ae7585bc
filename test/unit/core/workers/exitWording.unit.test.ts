import * as assert from 'node:assert/strict';
import { describeTermination } from '../../../../src/core/process/processGroup';
import { describeExit } from '../../../../src/core/workers/exitWording';

describe('exit wording', () => {
  it('names the signal when there was one, else the exit code', () => {
    assert.equal(describeExit({ code: 2, signal: null }), 'exit code 2');
    assert.equal(describeExit({ code: null, signal: 'SIGTERM' }), 'killed by SIGTERM');
    assert.equal(describeExit({ code: 0, signal: null }), 'exit code 0');
  });

  it('says how each stop outcome went, with its time', () => {
    const result = (outcome: 'already-gone' | 'exited' | 'killed' | 'survived'): string =>
      describeTermination({ pgid: 4242, outcome, elapsedMs: 120 });
    assert.equal(result('already-gone'), 'its processes were already gone');
    assert.equal(result('exited'), 'exited on SIGTERM in 120 ms');
    assert.equal(result('killed'), 'killed with SIGKILL after 120 ms');
    assert.equal(result('survived'), 'some processes survived SIGKILL (uninterruptible sleep?) after 120 ms');
    assert.equal(
      describeTermination({ pgid: 4242, outcome: 'killed', elapsedMs: 3_027 }),
      'killed with SIGKILL after 3,027 ms',
    );
  });
});
