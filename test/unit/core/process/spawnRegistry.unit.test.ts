import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { RegistryFullError, SpawnRegistry } from '../../../../src/core/process/spawnRegistry';
import { killMarked, MARKER_VAR, newMarker } from '../../../helpers/processes';

describe('SpawnRegistry', () => {
  let marker: string;

  beforeEach(() => {
    marker = newMarker();
  });

  afterEach(async () => {
    await killMarked(marker);
  });

  /** Launches a real `sleep` and reports it the way the supervisor does. */
  function launchSleep(): () => Promise<{ pid: number; startToken: undefined }> {
    return async () => {
      const child = spawn('sleep', ['1000'], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, [MARKER_VAR]: marker },
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      return { pid: child.pid as number, startToken: undefined };
    };
  }

  /** A process that has already exited: its PID is free, so the sweep must find it dead. */
  async function launchExited(): Promise<{ pid: number; startToken: undefined }> {
    const child = spawn('true', [], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    return { pid: child.pid as number, startToken: undefined };
  }

  it('refuses admission past its capacity with a clear error, and runs nothing for it', async () => {
    const registry = new SpawnRegistry(2);
    await registry.admit('a', 'a', launchSleep());
    await registry.admit('b', 'b', launchSleep());
    let launched = false;
    await assert.rejects(
      registry.admit('c', 'c', async () => {
        launched = true;
        return { pid: 1, startToken: undefined };
      }),
      (error: unknown) => error instanceof RegistryFullError && /already supervises 2 processes/.test(error.message),
    );
    assert.equal(launched, false);
    assert.equal(registry.size, 2);
  });

  it('admits concurrent starts one at a time, so the bound holds under a race', async () => {
    const registry = new SpawnRegistry(3);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => registry.admit(`w${i}`, `w${i}`, launchSleep())),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    assert.equal(registry.size, 3);
  });

  it('sweeps dead entries and keeps live ones', async () => {
    const registry = new SpawnRegistry();
    await registry.admit('live', 'live', launchSleep());
    await registry.admit('dead', 'dead', launchExited);
    const removed = await registry.sweepDead();
    assert.deepEqual(
      removed.map((e) => e.id),
      ['dead'],
    );
    assert.deepEqual(
      registry.list().map((e) => e.id),
      ['live'],
    );
  });

  it('keeps an entry re-registered under the same id while a sweep was probing', async () => {
    const registry = new SpawnRegistry();
    const stale = await registry.admit('w', 'w', launchExited);
    const sweep = registry.sweepDead();
    // The sweep is now probing without the lock: the worker is released and respawned meanwhile.
    assert.ok(registry.release(stale));
    const fresh = await registry.admit('w', 'w', launchSleep());
    const removed = await sweep;
    assert.deepEqual(removed, []);
    assert.equal(registry.get('w'), fresh);
  });

  it('answers get and list without waiting for an admission in progress', async () => {
    const registry = new SpawnRegistry();
    await registry.admit('first', 'first', launchSleep());
    let finishLaunch: () => void = () => undefined;
    const slow = registry.admit('slow', 'slow', async () => {
      await new Promise<void>((resolve) => (finishLaunch = resolve));
      return launchSleep()();
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(registry.get('first')?.id, 'first');
    assert.equal(registry.list().length, 1);
    finishLaunch();
    await slow;
    assert.equal(registry.size, 2);
  });
});
