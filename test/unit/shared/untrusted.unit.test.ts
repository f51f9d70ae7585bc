import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeValue, errnoCode, FieldReader, isObject, oneOf } from '../../../src/shared/untrusted';

describe('the untrusted-input kit', () => {
  it('reads the code of a real system error, and nothing from anything else thrown', async () => {
    const missing = path.join(os.tmpdir(), `shepherd-missing-${process.pid}-${Date.now()}`);
    const error: unknown = await fs.readFile(missing).catch((caught: unknown) => caught);
    assert.equal(errnoCode(error), 'ENOENT');
    for (const thrown of [new Error('plain'), 'ENOENT', null, undefined, { code: 42 }]) {
      assert.equal(errnoCode(thrown), undefined, String(thrown));
    }
  });

  it('tells plain objects from arrays and null, and narrows string unions without a cast', () => {
    assert.deepEqual([{}, [], null, 'x', Object.create(null)].map(isObject), [true, false, false, false, true]);
    assert.equal(oneOf(['a', 'b'] as const, 'b'), 'b');
    assert.equal(oneOf(['a', 'b'] as const, 'c'), undefined);
  });

  it('collects one message per bad field, each naming the field, with nested readers sharing the list', () => {
    const read = new FieldReader({ name: ' ', count: 2.5, tags: ['a', 1], env: { A: 1 }, kind: 'x', extra: 1 });
    read.unknownKeys(new Set(['name', 'count', 'tags', 'env', 'kind', 'inner']));
    assert.equal(read.string('name'), undefined);
    assert.equal(read.integer('count', 0, 10), undefined);
    assert.equal(read.strings('tags'), undefined);
    assert.equal(read.stringRecord('env'), undefined);
    assert.equal(read.oneOf('kind', ['a', 'b']), undefined);
    assert.equal(read.required('inner'), false);
    const inner = read.nested({ flag: 'yes' }, 'inner: ');
    assert.equal(inner.boolean('flag'), undefined);
    assert.equal(inner.text('absent'), undefined, 'an absent optional field is no error');
    assert.deepEqual(read.errors, [
      'unknown property "extra"',
      '"name" must be a non-empty string',
      '"count" must be a whole number from 0 to 10',
      '"tags" must be an array of strings',
      '"env" must be an object whose values are strings',
      '"kind" must be one of a, b',
      '"inner" is required',
      'inner: "flag" must be true or false',
    ]);
  });

  it('describes any value in a short line', () => {
    assert.equal(describeValue('x'.repeat(500)).length, 103);
    assert.equal(describeValue(undefined), 'undefined');
    assert.equal(describeValue(Symbol('s')), 'a value of type symbol');
  });
});
