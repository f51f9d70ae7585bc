import * as assert from 'node:assert/strict';
import { StopEscalation } from '../../../../src/core/workers/stopEscalation';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('StopEscalation', () => {
  it('aborts its signal once the shortened grace has passed, not before', async () => {
    const escalation = new StopEscalation();
    escalation.escalate(150, undefined);
    await sleep(20);
    assert.equal(escalation.signal.aborted, false);
    await sleep(300);
    assert.equal(escalation.signal.aborted, true);
    escalation.dispose();
  });

  it('aborts as soon as a force-kill signal aborts, or at once when it already has', () => {
    const later = new AbortController();
    const escalation = new StopEscalation();
    escalation.escalate(undefined, later.signal);
    assert.equal(escalation.signal.aborted, false);
    later.abort();
    assert.equal(escalation.signal.aborted, true);

    const urgent = new StopEscalation();
    urgent.escalate(undefined, AbortSignal.abort());
    assert.equal(urgent.signal.aborted, true);
    escalation.dispose();
    urgent.dispose();
  });

  it('once disposed (the stop is over), neither its timer nor a force-kill signal aborts it', async () => {
    const forceKill = new AbortController();
    const escalation = new StopEscalation();
    escalation.escalate(30, forceKill.signal);
    escalation.dispose();
    forceKill.abort();
    await sleep(100);
    assert.equal(escalation.signal.aborted, false);
  });

  it('knows when SIGKILL is due and says when that moves earlier, never later', () => {
    const moves: number[] = [];
    const escalation = new StopEscalation((killAt) => moves.push(killAt));
    assert.equal(escalation.killAt, Infinity);
    const before = Date.now();
    escalation.escalate(60_000, undefined);
    assert.ok(escalation.killAt >= before + 60_000);
    escalation.escalate(120_000, undefined);
    assert.equal(moves.length, 1, 'a longer grace does not move the deadline');
    escalation.escalate(undefined, AbortSignal.abort());
    assert.ok(escalation.killAt <= Date.now(), 'a forced kill makes SIGKILL due now');
    assert.equal(moves.length, 2);
    escalation.dispose();
  });
});
