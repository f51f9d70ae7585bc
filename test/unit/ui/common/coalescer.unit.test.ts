import * as assert from 'node:assert/strict';
import { Coalescer } from '../../../../src/ui/common/coalescer';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Coalescer', () => {
  it('hands over a burst of keys once, deduplicated', async () => {
    const flushed: string[][] = [];
    const coalescer = new Coalescer<string>(20, (keys) => flushed.push([...keys]));
    for (let i = 0; i < 100; i++) {
      coalescer.add(i % 2 === 0 ? 'a' : 'b');
    }
    await pause(50);
    assert.deepEqual(flushed, [['a', 'b']]);
    coalescer.add('c');
    await pause(50);
    assert.deepEqual(flushed, [['a', 'b'], ['c']]);
    coalescer.dispose();
  });

  it('drops what is pending when disposed', async () => {
    const flushed: string[][] = [];
    const coalescer = new Coalescer<string>(10, (keys) => flushed.push([...keys]));
    coalescer.add('a');
    coalescer.dispose();
    await pause(30);
    assert.deepEqual(flushed, []);
  });
});
