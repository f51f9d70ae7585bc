import * as assert from 'node:assert/strict';
import { ReadThrottle, ThrottledReader } from '../../../../src/core/output/readThrottle';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A reader with `slices` steps of work, recording each step under its name in `log`. */
function reader(name: string, slices: number, log: string[]): ThrottledReader {
  let left = slices;
  return {
    step: () => {
      left -= 1;
      log.push(name);
      return left > 0;
    },
  };
}

function throttle(budgetMs: number, errors: unknown[] = []): ReadThrottle {
  return new ReadThrottle((error) => errors.push(error), budgetMs);
}

/** Waits turn after turn until `done` holds, recording how many turns that took. */
async function turnsUntil(done: () => boolean): Promise<number> {
  for (let turns = 1; turns < 1_000; turns++) {
    await nextTurn();
    if (done()) {
      return turns;
    }
  }
  throw new Error('the work never finished');
}

describe('ReadThrottle', () => {
  it('handles nothing until the next turn, then every waiting reader within a large budget', async () => {
    const log: string[] = [];
    const target = throttle(10_000);
    target.schedule(reader('a', 3, log));
    target.schedule(reader('b', 2, log));
    assert.deepEqual(log, [], 'nothing is handled inside the caller');
    await nextTurn();
    assert.deepEqual(log, ['a', 'b', 'a', 'b', 'a'], 'slice by slice, round-robin, all in one turn');
  });

  it('handles one slice per turn once the budget is spent, and every reader gets its turn', async () => {
    const log: string[] = [];
    const target = throttle(0);
    target.schedule(reader('a', 3, log));
    target.schedule(reader('b', 1, log));
    const turns = await turnsUntil(() => log.length === 4);
    assert.deepEqual(log, ['a', 'b', 'a', 'a'], 'an unfinished reader goes to the back of the line');
    assert.equal(turns, 4, 'one slice per turn with no budget: output still moves, a little at a time');
  });

  it('lines a reader up once however often it is scheduled', async () => {
    const log: string[] = [];
    const target = throttle(10_000);
    const once = reader('a', 1, log);
    target.schedule(once);
    target.schedule(once);
    await nextTurn();
    await nextTurn();
    assert.deepEqual(log, ['a']);
  });

  it('reports a step that throws and goes on with that reader and the others', async () => {
    const errors: unknown[] = [];
    const log: string[] = [];
    const target = throttle(10_000, errors);
    let calls = 0;
    target.schedule({
      step: () => {
        calls += 1;
        if (calls === 1) {
          throw new Error('bad slice');
        }
        log.push('failing reader, second slice');
        return false;
      },
    });
    target.schedule(reader('b', 1, log));
    await nextTurn();
    assert.deepEqual(
      errors.map((error) => String(error)),
      ['Error: bad slice'],
    );
    assert.deepEqual(log, ['b', 'failing reader, second slice']);
  });
});
