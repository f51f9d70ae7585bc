import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StatusContents, StatusFile } from '../../../../src/core/recovery/statusFile';

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
});
