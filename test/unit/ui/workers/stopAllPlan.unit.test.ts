import * as assert from 'node:assert/strict';
import { WorkerState, WorkerView } from '../../../../src/core/workers/workerView';
import { WorkerSource } from '../../../../src/core/definitions/workerDefinition';
import {
  idsToStop,
  planStopAll,
  readStopAllArg,
  stopAllQuestion,
  stopProgressMessage,
} from '../../../../src/ui/workers/stopAllPlan';

function worker(id: string, source: WorkerSource, state: WorkerState = 'running'): WorkerView {
  return { id, source, state } as WorkerView;
}

const views = [
  ...['a', 'b', 'c', 'd', 'e'].map((id) => worker(id, 'settings')),
  worker('idle', 'adhoc', 'stopped'),
  worker('session-1', 'session'),
  worker('session-2', 'session'),
  worker('pool-claude-1', 'session'),
];
const spare = (id: string): boolean => id.startsWith('pool-');

describe('Stop All plan', () => {
  it('asks "Stop 5 workers?" and leaves agent sessions and warm spares out unless a button includes them', () => {
    const plan = planStopAll(views, spare);
    assert.deepEqual(plan, {
      workers: ['a', 'b', 'c', 'd', 'e'],
      sessions: ['session-1', 'session-2'],
      spares: ['pool-claude-1'],
    });
    const question = stopAllQuestion(plan);
    assert.equal(question?.message, 'Stop 5 workers?');
    assert.equal(
      question?.detail,
      '2 agent sessions and 1 warm spare agent process keep running unless you choose a button that stops them too.',
    );
    assert.deepEqual(
      question?.choices.map((choice) => choice.label),
      [
        'Stop 5 Workers',
        'Stop 5 Workers and 2 Agent Sessions',
        'Stop 5 Workers, 2 Agent Sessions and 1 Warm Spare Agent Process',
      ],
    );
    assert.deepEqual(idsToStop(plan, question?.choices[1].include ?? []), [
      'a',
      'b',
      'c',
      'd',
      'e',
      'session-1',
      'session-2',
    ]);
  });

  it('asks nothing when nothing runs, and names sessions first when only they run', () => {
    assert.equal(stopAllQuestion(planStopAll([worker('x', 'adhoc', 'crashed')], spare)), undefined);
    const onlySession = stopAllQuestion(planStopAll([worker('session-1', 'session')], spare));
    assert.equal(onlySession?.message, 'Stop 1 agent session?');
    assert.equal(onlySession?.detail, undefined);
  });

  it('reads { include } from a caller and refuses anything else with what was wrong', () => {
    assert.equal(readStopAllArg(undefined), undefined);
    assert.deepEqual(readStopAllArg({ include: ['workers', 'spares'] }), ['workers', 'spares']);
    assert.throws(() => readStopAllArg({ include: ['everything'] }), /"include" lists "everything"; known: workers/);
    assert.throws(() => readStopAllArg('now'), /takes \{ include: \[workers, sessions, spares\] \}, not "now"/);
  });

  it('counts down in the progress message', () => {
    assert.equal(stopProgressMessage(3, 5, 12_000, 10_000), '3 of 5 still stopping · SIGKILL in 2 s');
    assert.equal(stopProgressMessage(1, 5, 9_000, 10_000), '1 of 5 still stopping · killing');
    assert.equal(stopProgressMessage(0, 5, undefined, 10_000), '0 of 5 still stopping');
  });
});
