import * as assert from 'node:assert/strict';
import { LaunchError } from '../../../../src/core/process/processLauncher';
import { SpawnRegistry } from '../../../../src/core/process/spawnRegistry';
import { GroupAdmission, shuttingDownMessage } from '../../../../src/core/workers/groupAdmission';
import { findMarked, killMarked, MARKER_VAR, newMarker } from '../../../helpers/processes';
import { definition } from '../../../helpers/supervisorFixture';

describe('GroupAdmission', () => {
  let marker: string;

  beforeEach(() => {
    marker = newMarker();
  });

  afterEach(async () => {
    assert.deepEqual(await killMarked(marker), [], 'processes outlived the test');
  });

  it('spawns a group and admits it to the registry, with its start token', async () => {
    const registry = new SpawnRegistry(4);
    const admission = new GroupAdmission(registry, { [MARKER_VAR]: marker }, () => false);
    const { launched, entry } = await admission.admit(definition('sleeper', 'sleep', ['30']));
    try {
      assert.equal(entry.pid, launched.child.pid);
      assert.equal(entry.pgid, entry.pid, 'the worker leads its own group');
      assert.ok(entry.startToken, 'the start token is read');
      assert.deepEqual(
        registry.list().map((e) => e.id),
        ['sleeper'],
      );
      assert.deepEqual(admission.inFlight(), [], 'nothing is in flight once admitted');
    } finally {
      process.kill(-entry.pgid, 'SIGKILL');
      await launched.exited;
    }
  });

  it('kills the process it spawned when a shutdown began meanwhile, and admits nothing', async () => {
    const registry = new SpawnRegistry(4);
    const admission = new GroupAdmission(registry, { [MARKER_VAR]: marker }, () => true);
    await assert.rejects(admission.admit(definition('late', 'sleep', ['30'])), (error: unknown) => {
      assert.ok(error instanceof LaunchError);
      assert.equal(error.message, shuttingDownMessage());
      return true;
    });
    assert.equal(registry.size, 0);
    assert.deepEqual(await findMarked(marker), [], 'the spawned process was killed');
  });

  it('leaves no process behind when the registry is full', async () => {
    const registry = new SpawnRegistry(1);
    const admission = new GroupAdmission(registry, { [MARKER_VAR]: marker }, () => false);
    const first = await admission.admit(definition('first', 'sleep', ['30']));
    try {
      await assert.rejects(admission.admit(definition('second', 'sleep', ['30'])));
      assert.deepEqual(await findMarked(marker), [first.entry.pid], 'only the admitted group runs');
    } finally {
      process.kill(-first.entry.pgid, 'SIGKILL');
      await first.launched.exited;
    }
  });
});
