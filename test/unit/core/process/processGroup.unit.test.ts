import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { GroupProbe, terminateGroup } from '../../../../src/core/process/processGroup';
import { findMarked, fixture, killMarked, MARKER_VAR, newMarker, waitFor } from '../../../helpers/processes';

/** Starts a fixture as the leader of its own group and resolves once it printed "ready". */
async function startGroup(script: string, marker: string): Promise<ChildProcess> {
  const child = spawn('sh', [fixture(script)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, [MARKER_VAR]: marker },
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        resolve();
      }
    });
  });
  return child;
}

describe('terminateGroup', () => {
  let marker: string;

  beforeEach(() => {
    marker = newMarker();
  });

  afterEach(async () => {
    const leaked = await killMarked(marker);
    assert.deepEqual(leaked, [], 'processes outlived the test');
  });

  it('ends a group that ignores SIGTERM, grandchildren included, within grace + 0.5 s', async () => {
    const child = await startGroup('stubborn.sh', marker);
    assert.equal((await findMarked(marker)).length, 3, 'the shell and its two sleeps run');
    const graceMs = 800;
    const started = Date.now();
    const result = await terminateGroup(child.pid as number, { graceMs });
    const elapsed = Date.now() - started;
    assert.equal(result.outcome, 'killed');
    assert.ok(elapsed <= graceMs + 500, `took ${elapsed} ms`);
    assert.deepEqual(await findMarked(marker), []);
  });

  it('reports a group that leaves on SIGTERM as exited, well before the grace ends', async () => {
    const child = await startGroup('polite.sh', marker);
    const result = await terminateGroup(child.pid as number, { graceMs: 5_000 });
    assert.equal(result.outcome, 'exited');
    assert.ok(result.elapsedMs < 2_000, `took ${result.elapsedMs} ms`);
    assert.deepEqual(await findMarked(marker), []);
  });

  it('reports a group that is already gone', async () => {
    const child = await startGroup('polite.sh', marker);
    process.kill(-(child.pid as number), 'SIGKILL');
    await waitFor('the group to die', async () =>
      (await new GroupProbe(child.pid as number).isAlive()) ? undefined : true,
    );
    const result = await terminateGroup(child.pid as number);
    assert.equal(result.outcome, 'already-gone');
  });

  it('kills at once when forceKill aborts during the grace period', async () => {
    const child = await startGroup('stubborn.sh', marker);
    const force = new AbortController();
    setTimeout(() => force.abort(), 150);
    const result = await terminateGroup(child.pid as number, { graceMs: 10_000, forceKill: force.signal });
    assert.equal(result.outcome, 'killed');
    assert.ok(result.elapsedMs < 2_000, `took ${result.elapsedMs} ms`);
  });

  it('stops 50 stubborn groups concurrently within grace + 1 s', async function () {
    this.timeout(60_000);
    const children = await Promise.all(Array.from({ length: 50 }, () => startGroup('stubborn.sh', marker)));
    assert.equal((await findMarked(marker)).length, 150);
    const graceMs = 1_000;
    const started = Date.now();
    const results = await Promise.all(children.map((child) => terminateGroup(child.pid as number, { graceMs })));
    const elapsed = Date.now() - started;
    assert.ok(results.every((r) => r.outcome === 'killed'));
    assert.ok(elapsed <= graceMs + 1_000, `took ${elapsed} ms`);
    assert.deepEqual(await findMarked(marker), []);
  });
});
