import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { hostIn, useFleet } from '../../../helpers/fleetFixture';
import { PeerProcess } from '../../../helpers/peerProcess';
import { fixture, waitFor } from '../../../helpers/processes';
import { definition } from '../../../helpers/supervisorFixture';

/** A worker for a peer's workers.json. */
function sleeper(id: string): Record<string, unknown> {
  return { id, command: 'sleep', args: ['1000'], graceMs: 500, restart: 'never' };
}

/** Live processes of a process group, from /proc (zombies excluded: nothing reaps them here). */
async function groupMembers(pgid: number): Promise<number[]> {
  const members: number[] = [];
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    const stat = await fs.readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length > 2 && fields[0] !== 'Z' && Number(fields[2]) === pgid) {
      members.push(Number(name));
    }
  }
  return members;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the fleet with headless peers on a real redis-server', function () {
  this.timeout(60_000);
  const fleet = useFleet();

  async function peer(
    name: string,
    workers: unknown[],
    extra: { allowRemoteControl?: boolean; statusFile?: string } = {},
  ): Promise<PeerProcess> {
    const started = await PeerProcess.start({
      name,
      redisUrl: fleet.redis.url,
      marker: fleet.marker,
      workers,
      ...extra,
    });
    fleet.onCleanup(() => started.cleanUp());
    return started;
  }

  it('three peers discover each other', async () => {
    const names = ['p1', 'p2', 'p3'];
    const started = await Promise.all(names.map((name) => peer(name, [sleeper(`${name}-work`)])));
    for (const [index, name] of names.entries()) {
      const others = names.filter((other) => other !== name).map((other) => `${other} \\(online\\)`);
      await started[index].waitForLine(new RegExp(`fleet: sees ${others.join(', ')}$`));
    }
  });

  it('a SIGKILLed peer goes stale, then leaves the view when its key expires; its orphans are reaped on restart', async () => {
    const window = fleet.member('window');
    const victim = await peer('victim', [sleeper('victim-work')]);
    await waitFor('the peer in the view', () => (hostIn(window.member, 'victim')?.kind === 'host' ? true : undefined));
    victim.kill('SIGKILL');
    const killedAt = performance.now();
    await waitFor('stale', () => {
      window.member.refresh();
      const host = hostIn(window.member, 'victim');
      return host?.kind === 'host' && host.status === 'stale' ? true : undefined;
    });
    const staleAfterMs = performance.now() - killedAt;
    await waitFor('gone', () => {
      window.member.refresh();
      return hostIn(window.member, 'victim') === undefined ? true : undefined;
    });
    const goneAfterMs = performance.now() - killedAt;
    console.log(
      `      stale after ${Math.round(staleAfterMs)} ms, gone after ${Math.round(goneAfterMs)} ms (heartbeat 1 s)`,
    );
    // Its worker outlived it: the next peer with the same status file finds and stops it.
    const again = await peer('victim', [sleeper('victim-work')], { statusFile: victim.statusFile });
    await again.waitForLine(/activity: orphan-killed victim-work/);
  });

  it('Redis killed: every member says unreachable within one heartbeat and local workers go on; Redis back: recovery', async () => {
    const window = fleet.member('window');
    window.supervisor.upsert(definition('local', 'sleep', ['1000']));
    const local = await window.supervisor.start('local');
    const remote = await peer('remote', [sleeper('remote-work')]);
    const remotePid = await waitFor('the peer in the view', () => {
      const host = hostIn(window.member, 'remote');
      return host?.kind === 'host' ? (host.heartbeat.workers[0]?.pid ?? undefined) : undefined;
    });
    const peerLines = remote.lines.length;
    await fleet.redis.kill();
    const killedAt = performance.now();
    await waitFor('unreachable', () => (window.member.view.kind === 'unreachable' ? true : undefined), 1_000);
    const detectedMs = performance.now() - killedAt;
    await remote.waitForLineAfter(peerLines, /fleet: Redis unreachable: .*retrying in \d+ s/, 1_000);
    console.log(
      `      the window said "Redis unreachable" ${Math.round(detectedMs)} ms after the kill (heartbeat 1 s)`,
    );
    assert.equal(window.supervisor.get('local')?.state, 'running');
    assert.equal(window.supervisor.get('local')?.pid, local.pid);
    assert.ok(isAlive(remotePid), "the peer's worker runs on");

    await fleet.redis.launch();
    const backAt = performance.now();
    await waitFor('recovery', () => (hostIn(window.member, 'remote')?.kind === 'host' ? true : undefined), 10_000);
    console.log(
      `      the peer was back in the view ${Math.round(performance.now() - backAt)} ms after Redis returned`,
    );
    await remote.waitForLineAfter(peerLines, /fleet: sees window \(online\)/);
  });

  it('a remote Stop of a SIGTERM-ignoring worker with grandchildren kills its whole group on the peer', async () => {
    const window = fleet.member('window');
    const tree = {
      id: 'tree',
      command: process.execPath,
      args: [fixture('faults/ignore-term-tree.js'), '3'],
      graceMs: 500,
    };
    await peer('box', [tree], { allowRemoteControl: true });
    const worker = await waitFor('the tree in the view', () => {
      const host = hostIn(window.member, 'box');
      const published = host?.kind === 'host' ? host.heartbeat.workers.find((w) => w.id === 'tree') : undefined;
      return published?.pid ? published : undefined;
    });
    const pgid = worker.pid ?? 0;
    await waitFor('four processes in the group', async () =>
      (await groupMembers(pgid)).length >= 4 ? true : undefined,
    );
    const sentAt = performance.now();
    const result = await window.member.send('box', 'tree', 'stop');
    const latencyMs = performance.now() - sentAt;
    assert.equal(result.ok, true, result.message);
    assert.match(result.message, /killed/);
    assert.deepEqual(await groupMembers(pgid), []);
    console.log(`      remote stop, sent → group gone and answered: ${Math.round(latencyMs)} ms (grace 500 ms)`);
  });

  it('a command sent while the target is disconnected runs once after it reconnects', async () => {
    const sender = fleet.member('sender');
    // A slow reconnect leaves the target away long enough to send it something.
    const target = fleet.member('target', { link: { backoffBaseMs: 2_000, backoffMaxMs: 2_000 } });
    target.supervisor.upsert(definition('job', 'sleep', ['1000']));
    await target.supervisor.start('job');
    await waitFor('both connected', () =>
      hostIn(sender.member, 'target') && hostIn(target.member, 'sender') ? true : undefined,
    );
    await fleet.redis.clientKill('shepherd.target');
    await waitFor('target away', () => (target.member.view.kind === 'unreachable' ? true : undefined), 2_000);
    const answer = sender.member.send('target', 'job', 'stop');
    const result = await answer;
    assert.equal(result.ok, true, result.message);
    assert.equal(target.supervisor.get('job')?.state, 'stopped');
    // Another blip: the entry was acknowledged, so nothing runs again.
    await fleet.redis.clientKill('shepherd.target');
    await waitFor('target back', () => (hostIn(target.member, 'sender') ? true : undefined), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(target.member.commandCounts.executed, 1);
    assert.equal(target.activity.list().filter((entry) => entry.kind === 'remote-command').length, 1);
  });

  it('a command delivered but not acknowledged before a blip is claimed again (XAUTOCLAIM) and runs once', async () => {
    const sender = fleet.member('sender');
    const target = fleet.member('target', { link: { backoffBaseMs: 2_000, backoffMaxMs: 2_000 } });
    target.supervisor.upsert(definition('job', 'sleep', ['1000']));
    await target.supervisor.start('job');
    await waitFor('both connected', () =>
      hostIn(sender.member, 'target') && hostIn(target.member, 'sender') ? true : undefined,
    );
    await fleet.redis.clientKill('shepherd.target');
    await waitFor('target away', () => (target.member.view.kind === 'unreachable' ? true : undefined), 2_000);
    const answer = sender.member.send('target', 'job', 'stop');
    // Delivered to the target's consumer while it is away, as if the blip came right after the read.
    await waitFor('the command delivered', async () => {
      const read = await fleet.redis.command([
        'XREADGROUP',
        'GROUP',
        'shepherd',
        'target',
        'STREAMS',
        'test:cmd:target',
        '>',
      ]);
      return read.includes('stop') ? true : undefined;
    });
    const result = await answer;
    assert.equal(result.ok, true, result.message);
    assert.equal(target.member.commandCounts.executed, 1);
    // The answer goes out before the XACK (acknowledged only once the action ran and was answered),
    // so the entry may still be pending for a moment after the sender has its result.
    await waitFor('nothing left pending', async () => {
      const pending = await fleet.redis.command(['XPENDING', 'test:cmd:target', 'shepherd']);
      return /^\*4\r\n:0\r\n/.test(pending) ? true : undefined;
    });
    assert.equal(target.member.commandCounts.executed, 1, 'run once, also after the claim');
  });

  it('a Redis that accepts connections but never answers: timeouts and "unreachable", never a hang', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const member = fleet.member('hopeful', {
        settings: { redisUrl: `redis://127.0.0.1:${port}` },
        link: { commandTimeoutMs: 300 },
      });
      const startedAt = performance.now();
      await waitFor(
        'unreachable',
        () => (member.member.view.kind === 'unreachable' ? member.member.view : undefined),
        3_000,
      );
      const view = member.member.view;
      assert.equal(view.kind, 'unreachable');
      assert.match(view.kind === 'unreachable' ? view.reason : '', /timed out|did not answer|timeout/i);
      console.log(
        `      a silent Redis was reported unreachable after ${Math.round(performance.now() - startedAt)} ms`,
      );
      const closing = performance.now();
      await member.member.close();
      assert.ok(performance.now() - closing < 2_000, 'closing did not hang');
    } finally {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
