import * as assert from 'node:assert/strict';
import type { PromptResponse } from '@agentclientprotocol/sdk';
import { AcpReplay } from '../../../../../src/core/sessions/acp/acpReplay';
import { AcpTurns } from '../../../../../src/core/sessions/acp/acpTurn';
import { TurnEnd } from '../../../../../src/core/sessions/agentConnection';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise and the function that settles it, to hold a turn before its prompt. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('ACP replay of a loaded session', () => {
  it('is over at once when no session was loaded', async () => {
    const replay = new AcpReplay();
    const started = Date.now();
    await replay.drained(1_000, 5_000);
    assert.ok(Date.now() - started < 1_000, 'no quiet period waited for');
    assert.equal(replay.active, false);
  });

  it('ends once the updates have been quiet for the interval, counted from the last one', async () => {
    const replay = new AcpReplay();
    replay.start();
    const drained = replay.drained(80, 5_000);
    await sleep(40);
    const lastUpdateAt = Date.now();
    replay.noteUpdate();
    await drained;
    assert.ok(Date.now() - lastUpdateAt >= 75, 'waited the quiet interval after the last update');
    assert.equal(replay.active, false);
  });

  it('ends after the bound even while the agent keeps sending updates', async () => {
    const replay = new AcpReplay();
    replay.start();
    const chatter = setInterval(() => replay.noteUpdate(), 10);
    try {
      const started = Date.now();
      await replay.drained(80, 250);
      assert.ok(Date.now() - started >= 245, 'waited up to the bound');
      assert.equal(replay.active, false);
    } finally {
      clearInterval(chatter);
    }
  });

  it('stops without waiting when the load failed', async () => {
    const replay = new AcpReplay();
    replay.start();
    replay.stop();
    assert.equal(replay.active, false);
  });
});

describe('ACP turns that wait for the replay before their prompt', () => {
  function turns(cost: { usd: number }): { turns: AcpTurns; ends: TurnEnd[] } {
    const ends: TurnEnd[] = [];
    const acpTurns = new AcpTurns({ isAlive: () => true, costUsd: () => cost.usd, ended: (end) => ends.push(end) });
    return { turns: acpTurns, ends };
  }

  it('counts only the spend after the replay as the turn cost', async () => {
    const cost = { usd: 0 };
    const { turns: acp } = turns(cost);
    const ready = gate();
    const turn = acp.run(async () => {
      cost.usd = 0.3;
      return { stopReason: 'end_turn' } satisfies PromptResponse;
    }, ready.promise);
    assert.equal(acp.active, true, 'the turn is active while it waits');
    cost.usd = 0.25; // the replayed cumulative usage_update
    ready.open();
    const end = await turn;
    assert.equal(end.outcome, 'success');
    assert.ok(Math.abs((end.costUsd ?? 0) - 0.05) < 1e-9, `the turn cost ${String(end.costUsd)}`);
  });

  it('does not send the prompt of a turn interrupted while it waited, and ends it interrupted', async () => {
    const { turns: acp, ends } = turns({ usd: 0 });
    const ready = gate();
    let sent = false;
    const turn = acp.run(async () => {
      sent = true;
      return { stopReason: 'end_turn' } satisfies PromptResponse;
    }, ready.promise);
    acp.startCancelGrace();
    ready.open();
    const end = await turn;
    assert.equal(sent, false, 'the prompt was not sent');
    assert.equal(end.outcome, 'interrupted');
    assert.deepEqual(ends, [end]);
    assert.equal(acp.active, false);
  });

  it('does not send the prompt of a turn that failed while it waited', async () => {
    const { turns: acp } = turns({ usd: 0 });
    const ready = gate();
    let sent = false;
    const turn = acp.run(async () => {
      sent = true;
      return { stopReason: 'end_turn' } satisfies PromptResponse;
    }, ready.promise);
    acp.fail(new Error('the agent exited'));
    ready.open();
    await assert.rejects(turn, /the agent exited/);
    await sleep(0);
    assert.equal(sent, false);
  });
});
