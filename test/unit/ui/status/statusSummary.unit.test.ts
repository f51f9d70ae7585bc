import * as assert from 'node:assert/strict';
import { WorkerState, WorkerView } from '../../../../src/core/workers/workerView';
import { describeSessionTotals, summarizeWorkers } from '../../../../src/ui/status/statusSummary';

function views(...states: WorkerState[]): WorkerView[] {
  return states.map((state, i) => ({ id: `w${i}`, state, health: 'ok' }) as WorkerView);
}

describe('summarizeWorkers', () => {
  it('names the extension when there is nothing to count', () => {
    assert.deepEqual(summarizeWorkers([]), {
      text: '$(server-process) Shepherd',
      tooltip: 'Shepherd: no workers',
      warning: false,
    });
    assert.equal(summarizeWorkers(views('stopped', 'exited')).text, '$(server-process) Shepherd');
  });

  it('shows only the parts that are not zero', () => {
    const summary = summarizeWorkers(views('running', 'running', 'starting', 'failed', 'stopped'));
    assert.equal(summary.text, '$(server-process) 3 running · 1 failed');
    assert.equal(summary.tooltip, 'Shepherd workers\n3 running\n1 failed\n1 stopped');
    assert.equal(summary.warning, true);
  });

  it('counts each state with the word its row uses: crashed as crashed, stopping as stopping', () => {
    const list = [
      ...views('backoff', 'crashed', 'stopping', 'running', 'failed'),
      { id: 'd', state: 'running', health: 'degraded' } as WorkerView,
    ];
    const summary = summarizeWorkers(list);
    assert.equal(
      summary.text,
      '$(server-process) 2 running · 1 stopping · 1 waiting to restart · 1 crashed · 1 failed',
    );
    assert.match(summary.tooltip, /1 degraded/);
    assert.equal(summary.warning, true);
    assert.equal(summarizeWorkers(views('running', 'crashed')).warning, true, 'a crash asks for attention');
  });

  it('never counts warm spares as running, only mentions them in the tooltip', () => {
    const summary = summarizeWorkers(views('running'), 2);
    assert.equal(summary.text, '$(server-process) 1 running');
    assert.match(summary.tooltip, /2 warm agent processes ready/);
    assert.equal(summarizeWorkers([], 1).text, '$(server-process) Shepherd');
  });

  it('does not warn while everything is healthy', () => {
    assert.equal(summarizeWorkers(views('running', 'backoff')).warning, false);
  });
});

describe('describeSessionTotals', () => {
  it('says nothing without sessions', () => {
    assert.equal(describeSessionTotals({ sessions: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }), undefined);
  });

  it('sums tokens and cost across sessions', () => {
    assert.equal(
      describeSessionTotals({ sessions: 2, inputTokens: 12_345, outputTokens: 678, costUsd: 0.12345 }),
      'Sessions: 2 · 12,345 tokens in / 678 out · $0.1235',
    );
  });
});
