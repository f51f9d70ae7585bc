import * as assert from 'node:assert/strict';
import {
  EXITED_STATES,
  FAILURE_STATES,
  LIVE_STATES,
  RESTARTABLE_STATES,
  RESTING_STATES,
  STOPPABLE_STATES,
} from '../../../../src/core/workers/workerStates';
import { WorkerState } from '../../../../src/core/workers/workerView';

// A Record makes the compiler insist on every state: a new one cannot be left out of this table.
const EVERY_STATE: Record<WorkerState, true> = {
  starting: true,
  running: true,
  stopping: true,
  stopped: true,
  exited: true,
  crashed: true,
  backoff: true,
  restarting: true,
  failed: true,
};
const STATES = Object.keys(EVERY_STATE) as WorkerState[];

function members(set: ReadonlySet<WorkerState>): WorkerState[] {
  return STATES.filter((state) => set.has(state));
}

describe('worker state sets', () => {
  it('splits every state into live, resting or waiting to restart', () => {
    for (const state of STATES) {
      const homes = [LIVE_STATES.has(state), RESTING_STATES.has(state), state === 'backoff'].filter(Boolean);
      assert.equal(homes.length, 1, state);
    }
  });

  it('lets only resting states start, and stops whatever has or awaits a process', () => {
    assert.deepEqual(members(RESTING_STATES), ['stopped', 'exited', 'crashed', 'failed']);
    assert.deepEqual(members(STOPPABLE_STATES), ['starting', 'running', 'backoff', 'restarting']);
  });

  it('never restarts mid-transition', () => {
    assert.deepEqual(members(RESTARTABLE_STATES), ['running', 'exited', 'crashed', 'backoff', 'failed']);
    for (const transition of ['starting', 'stopping', 'restarting'] as const) {
      assert.equal(RESTARTABLE_STATES.has(transition), false, transition);
    }
  });

  it('knows which states carry an exit record and which a failure message', () => {
    assert.deepEqual(members(EXITED_STATES), ['exited', 'crashed']);
    assert.deepEqual(members(FAILURE_STATES), ['crashed', 'failed']);
    for (const state of [...members(EXITED_STATES), ...members(FAILURE_STATES)]) {
      assert.ok(RESTING_STATES.has(state), `${state} should be resting`);
    }
  });
});
