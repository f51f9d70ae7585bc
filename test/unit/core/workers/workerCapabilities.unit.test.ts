import * as assert from 'node:assert/strict';
import { canRestart, canStart, canStop, hasProcess } from '../../../../src/core/workers/workerCapabilities';
import { WorkerState, WorkerView } from '../../../../src/core/workers/workerView';

function view(state: WorkerState, pid?: number): WorkerView {
  return { state, pid } as WorkerView;
}

describe('worker capabilities', () => {
  const table: Array<[WorkerState, boolean, boolean, boolean]> = [
    // state, start, stop, restart
    ['starting', false, true, false],
    ['running', false, true, true],
    ['stopping', false, false, false],
    ['stopped', true, false, false],
    ['exited', true, false, true],
    ['crashed', true, false, true],
    ['backoff', false, true, true],
    ['restarting', false, true, false],
    ['failed', true, false, true],
  ];
  for (const [state, start, stop, restart] of table) {
    it(`${state}: start ${start}, stop ${stop}, restart ${restart}`, () => {
      assert.equal(canStart(view(state)), start);
      assert.equal(canStop(view(state)), stop);
      assert.equal(canRestart(view(state)), restart);
    });
  }

  it('knows a process by its pid', () => {
    assert.equal(hasProcess(view('running', 42)), true);
    assert.equal(hasProcess(view('stopped')), false);
  });
});
