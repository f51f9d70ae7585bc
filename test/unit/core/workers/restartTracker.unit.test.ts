import * as assert from 'node:assert/strict';
import { backoffDelay, RestartTracker } from '../../../../src/core/workers/restartTracker';
import { RestartPolicy } from '../../../../src/core/definitions/workerDefinition';

const policy: RestartPolicy = {
  mode: 'on-failure',
  maxRestarts: 3,
  windowMs: 10_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 30_000,
  minUptimeMs: 5_000,
};
const crash = { code: 1, signal: null, uptimeMs: 100 };

describe('backoffDelay', () => {
  it('doubles from the base up to the cap', () => {
    const noJitter = (): number => 0.5;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(policy, a, noJitter)),
      [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000],
    );
  });

  it('jitters by at most 20 % and never past the cap', () => {
    assert.equal(
      backoffDelay(policy, 1, () => 0),
      800,
    );
    assert.equal(
      backoffDelay(policy, 1, () => 1),
      1_200,
    );
    assert.equal(
      backoffDelay(policy, 9, () => 1),
      30_000,
    );
  });
});

describe('RestartTracker', () => {
  it('restarts on failure, then gives up at the limit within the window', () => {
    const tracker = new RestartTracker();
    const kinds = [0, 1, 2, 3].map((i) => tracker.decide(policy, crash, 1_000 + i).kind);
    assert.deepEqual(kinds, ['restart', 'restart', 'restart', 'give-up']);
  });

  it('forgets restarts that left the window', () => {
    const tracker = new RestartTracker();
    for (let i = 0; i < 3; i++) {
      tracker.decide(policy, crash, 0);
    }
    assert.equal(tracker.decide(policy, crash, 20_000).kind, 'restart');
  });

  it('resets the attempt counter after a run of at least minUptimeMs', () => {
    const tracker = new RestartTracker();
    tracker.decide(policy, crash, 0);
    tracker.decide(policy, crash, 1);
    assert.equal(tracker.attempt, 2);
    const decision = tracker.decide(policy, { ...crash, uptimeMs: 6_000 }, 2);
    assert.equal(decision.kind === 'restart' && decision.attempt, 1);
  });

  it('does not restart a clean exit under on-failure, nor anything under never', () => {
    assert.equal(new RestartTracker().decide(policy, { code: 0, signal: null, uptimeMs: 1 }).kind, 'done');
    assert.equal(new RestartTracker().decide({ ...policy, mode: 'never' }, crash).kind, 'done');
    assert.equal(
      new RestartTracker().decide({ ...policy, mode: 'always' }, { code: 0, signal: null, uptimeMs: 1 }).kind,
      'restart',
    );
  });

  it('treats death by a signal as a failure', () => {
    assert.equal(new RestartTracker().decide(policy, { code: null, signal: 'SIGSEGV', uptimeMs: 1 }).kind, 'restart');
  });
});
