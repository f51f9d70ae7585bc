import * as assert from 'node:assert/strict';
import { summarizeProblems } from '../../../../src/ui/common/problemSummary';

describe('problem summary', () => {
  it('says nothing when there is no problem', () => {
    assert.equal(summarizeProblems([]), undefined);
  });

  it('shows a single problem as it is', () => {
    assert.equal(
      summarizeProblems(['shepherd.workers[0]: "command" must be a non-empty string']),
      'shepherd.workers[0]: "command" must be a non-empty string',
    );
  });

  it('shows the first problem and counts the rest, pointing to the log', () => {
    assert.equal(summarizeProblems(['first', 'second']), 'first (and 1 more problem: see the Shepherd log)');
    assert.equal(summarizeProblems(['first', 'second', 'third']), 'first (and 2 more problems: see the Shepherd log)');
  });
});
