import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkStatusContents, StatusContents, StatusFile } from '../../../../src/core/recovery/statusFile';

function snapshot(writtenAt: number): StatusContents {
  return { version: 1, writtenAt, host: { pid: process.pid, startToken: undefined }, workers: [] };
}

describe('StatusFile', () => {
  let dir = '';

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-status-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("keeps the shutdown's final snapshot when a tick's async write is still in flight", async () => {
    const file = new StatusFile(path.join(dir, 'status.json'));
    const tick = file.write(snapshot(1));
    file.writeSync(snapshot(2));
    await tick;
    const read = await file.read();
    assert.equal(read.kind, 'ok');
    assert.equal(read.kind === 'ok' && read.contents.writtenAt, 2, 'the older async write replaced the final one');
    assert.deepEqual(await fs.readdir(dir), ['status.json'], 'no temp file is left behind');
    assert.equal((await fs.stat(file.filePath)).mode & 0o777, 0o600);
  });

  it('publishes consecutive async writes in order', async () => {
    const file = new StatusFile(path.join(dir, 'status.json'));
    await Promise.all([file.write(snapshot(1)), file.write(snapshot(2)), file.write(snapshot(3))]);
    const read = await file.read();
    assert.equal(read.kind === 'ok' && read.contents.writtenAt, 3);
    assert.deepEqual(await fs.readdir(dir), ['status.json']);
  });

  it('names an unknown version without stringifying it, so a deeply nested one cannot throw', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) {
      deep = [deep];
    }
    // JSON.parse reads such nesting; JSON.stringify recursed into it and threw a RangeError.
    assert.deepEqual(checkStatusContents({ version: deep, host: { pid: 5 }, workers: [] }), {
      reason: 'unknown version an array',
    });
  });

  it('names the field of a worker record that is missing or of the wrong type', () => {
    const worker = { id: 'a', label: 'a', state: 'running', command: 'x', pid: 12, pgid: 12, restartCount: 0 };
    const base = { version: 1, writtenAt: 1, host: { pid: 5 } };
    assert.ok('contents' in checkStatusContents({ ...base, workers: [worker] }));
    assert.deepEqual(checkStatusContents({ ...base, workers: [{ ...worker, restartCount: -1 }] }), {
      reason: 'workers[0]: "restartCount" must be a whole number from 0 to 9007199254740991',
    });
    assert.deepEqual(checkStatusContents({ ...base, workers: [{ ...worker, label: undefined }] }), {
      reason: 'workers[0]: "label" is required',
    });
  });
});
