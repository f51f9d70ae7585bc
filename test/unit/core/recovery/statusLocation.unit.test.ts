import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { migrateStatusFile, prepareStatusDir, stableStatusDir } from '../../../../src/core/recovery/statusLocation';

describe('the stable status location', () => {
  let dir = '';

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-location-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is the same folder for the same workspace folders in any order, and another for another workspace', () => {
    const global = path.join(dir, 'globalStorage');
    const a = stableStatusDir(global, ['/work/app', '/work/lib']);
    assert.equal(stableStatusDir(global, ['/work/lib', '/work/app']), a);
    assert.notEqual(stableStatusDir(global, ['/work/app']), a);
    assert.equal(path.dirname(path.dirname(a)), global);
    assert.match(path.basename(a), /^[0-9a-f]{16}$/);
    assert.equal(path.basename(stableStatusDir(global, [])), 'no-folder');
  });

  it('makes the folder the user\u2019s alone, even when it existed with looser rights', async () => {
    const target = path.join(dir, 'recovery', 'abc');
    await fs.mkdir(target, { recursive: true, mode: 0o755 });
    await fs.chmod(target, 0o755);
    await prepareStatusDir(target);
    assert.equal((await fs.stat(target)).mode & 0o777, 0o700);
  });

  it('moves an old status file once, 0600, and never over a newer one', async () => {
    const oldPath = path.join(dir, 'workspaceStorage', 'status.json');
    const newPath = path.join(dir, 'recovery', 'status.json');
    await fs.mkdir(path.dirname(oldPath), { recursive: true });
    await fs.mkdir(path.dirname(newPath), { recursive: true });
    await fs.writeFile(oldPath, '{"old":true}', { mode: 0o644 });
    assert.equal(await migrateStatusFile(oldPath, newPath), true);
    assert.equal(await fs.readFile(newPath, 'utf8'), '{"old":true}');
    assert.equal((await fs.stat(newPath)).mode & 0o777, 0o600);
    await assert.rejects(fs.access(oldPath));
    assert.equal(await migrateStatusFile(oldPath, newPath), false, 'nothing left to move');
    await fs.writeFile(oldPath, '{"stale":true}');
    assert.equal(await migrateStatusFile(oldPath, newPath), false);
    assert.equal(await fs.readFile(newPath, 'utf8'), '{"old":true}', 'the newer file was replaced');
  });
});
