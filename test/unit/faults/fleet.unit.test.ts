import * as assert from 'node:assert/strict';
import { faultReport } from '../../helpers/faultHarness';
import { FLEET_SECRET, hostIn, useFleet } from '../../helpers/fleetFixture';
import { waitFor } from '../../helpers/processes';
import { definition } from '../../helpers/supervisorFixture';
import { CommandClaims, newNonce, signCommand } from '../../../src/core/fleet/commandSigning';
import { MAX_HEARTBEAT_BYTES, MAX_PUBLISHED_WORKERS } from '../../../src/core/fleet/heartbeat';

interface Hostile {
  readonly name: string;
  readonly fields: Record<string, string>;
  /** Sent to the host with remote control off instead. */
  readonly toLockedHost?: boolean;
}

/** The fields of a command as a real sender writes them, signed with `secret`. */
function signed(target: string, overrides: Partial<CommandClaims> = {}, secret = FLEET_SECRET): Record<string, string> {
  const claims: CommandClaims = {
    namespace: 'test',
    targetHost: target,
    workerId: 'job',
    action: 'stop',
    nonce: newNonce(),
    issuedAt: Date.now(),
    ...overrides,
  };
  return {
    target: claims.targetHost,
    worker: claims.workerId,
    action: claims.action,
    nonce: claims.nonce,
    issuedAt: String(claims.issuedAt),
    replyTo: 'attacker',
    sig: signCommand(secret, claims),
  };
}

describe('fault injection: forged and hostile fleet traffic', function () {
  this.timeout(60_000);
  const fleet = useFleet();

  it('no forged, unsigned, stale, replayed, misaddressed or unpermitted command runs; each is logged', async () => {
    const target = fleet.member('target');
    const locked = fleet.member('locked', { settings: { allowRemoteControl: false } });
    const sender = fleet.member('sender');
    for (const host of [target, locked]) {
      host.supervisor.upsert(definition('job', 'sleep', ['1000']));
      await host.supervisor.start('job');
    }
    await waitFor('all connected', () =>
      hostIn(sender.member, 'target') && hostIn(sender.member, 'locked') ? true : undefined,
    );
    const pidBefore = target.supervisor.get('job')?.pid;

    // A genuine command, whose fields are then replayed: it runs (a start of a running worker changes nothing).
    const genuine = await sender.member.send('target', 'job', 'start');
    assert.equal(genuine.ok, true, genuine.message);
    const genuineFields = await fleet.redis.command(['XRANGE', 'test:cmd:target', '-', '+']);
    const replay: Record<string, string> = {};
    const parts = genuineFields.split('\r\n').filter((line) => !/^[*$]/.test(line));
    for (let index = 1; index + 1 < parts.length; index += 2) {
      replay[parts[index]] = parts[index + 1];
    }
    assert.equal(replay.action, 'start');

    const unsigned = signed('target');
    delete unsigned.sig;
    const tampered = signed('target', { action: 'start' });
    tampered.action = 'stop';
    const hostile: Hostile[] = [
      { name: 'unsigned', fields: unsigned },
      { name: 'signed with another secret', fields: signed('target', {}, 'not-the-fleet-secret') },
      { name: 'tampered after signing', fields: tampered },
      { name: 'empty signature', fields: { ...signed('target'), sig: '' } },
      { name: 'older than 60 s', fields: signed('target', { issuedAt: Date.now() - 61_000 }) },
      { name: 'dated in the future', fields: signed('target', { issuedAt: Date.now() + 120_000 }) },
      { name: 'replayed', fields: replay },
      { name: 'addressed to another host', fields: signed('elsewhere') },
      { name: 'an action outside start/stop/restart', fields: signed('target', { action: 'exec' }) },
      { name: 'a command line as the action', fields: signed('target', { action: 'sh -c "rm -rf /"' }) },
      { name: 'an unknown worker', fields: signed('target', { workerId: 'no-such-worker' }) },
      { name: 'a 10 KB field', fields: { ...signed('target'), worker: 'x'.repeat(10_000) } },
      { name: 'no fields but junk', fields: { junk: 'yes' } },
      { name: 'remote control off', fields: signed('locked'), toLockedHost: true },
    ];
    const activityBefore = target.activity.list().length;
    for (const attack of hostile) {
      const stream = attack.toLockedHost ? 'test:cmd:locked' : 'test:cmd:target';
      const reply = await fleet.redis.command(['XADD', stream, '*', ...Object.entries(attack.fields).flat()]);
      assert.match(reply, /^\$/, `${attack.name}: XADD failed: ${reply}`);
    }
    const refusedAt = (host: typeof target): number =>
      host.activity.list().filter((entry) => entry.kind === 'remote-refused').length;
    await waitFor('every hostile command refused', () =>
      refusedAt(target) === hostile.length - 1 && refusedAt(locked) === 1 ? true : undefined,
    );

    const executed = target.member.commandCounts.executed - 1 + locked.member.commandCounts.executed;
    assert.equal(executed, 0);
    assert.equal(target.supervisor.get('job')?.state, 'running');
    assert.equal(target.supervisor.get('job')?.pid, pidBefore);
    assert.equal(locked.supervisor.get('job')?.state, 'running');
    const refusals = target.activity
      .list()
      .slice(activityBefore)
      .filter((entry) => entry.kind === 'remote-refused')
      .map((entry) => entry.message);
    for (const words of ['unsigned', 'wrong signature', 's old', 'ahead', 'replays', 'addressed to elsewhere']) {
      assert.ok(
        refusals.some((message) => message.includes(words)),
        `no refusal says "${words}": ${refusals.join(' | ')}`,
      );
    }
    assert.ok(locked.activity.list().some((entry) => entry.message.includes('remote control is off')));
    faultReport.scenarios++;
    faultReport.badInputs += hostile.length;
    faultReport.remoteCommands = { tried: hostile.length, executed };
    console.log(`      ${hostile.length} hostile commands tried, ${executed} executed`);
  });

  it('huge, malformed, untimed and wrongly typed heartbeats become error rows; the good host still shows', async () => {
    const window = fleet.member('window');
    const good = fleet.member('good');
    await waitFor('the good host', () => (hostIn(window.member, 'good') ? true : undefined));
    const junk: Array<[string, string[]]> = [
      ['huge', ['SET', 'test:host:huge', 'x'.repeat(MAX_HEARTBEAT_BYTES * 4), 'EX', '60']],
      ['notjson', ['SET', 'test:host:notjson', '{"v":1,', 'EX', '60']],
      ['badtypes', ['SET', 'test:host:badtypes', JSON.stringify({ v: 1, hostId: 7, workers: 'many' }), 'EX', '60']],
      ['liar', ['SET', 'test:host:liar', JSON.stringify({ v: 1, hostId: 'good' }), 'EX', '60']],
      ['hash', ['HSET', 'test:host:hash', 'a', 'b']],
    ];
    for (const [, command] of junk) {
      await fleet.redis.command(command);
    }
    // A heartbeat with a thousand workers, within the byte bound: cut to the published bound, not refused.
    const many = {
      v: 1,
      hostId: 'crowd',
      machine: 'crowd',
      role: 'peer',
      name: 'crowd',
      version: '1',
      intervalMs: 1_000,
      remoteControl: false,
      workers: Array.from({ length: 1_000 }, (_, i) => ({
        id: `w${i}`,
        label: `worker ${i}`,
        state: 'running',
        health: 'ok',
        pid: i,
        uptimeMs: 1,
        cpuPercent: 0,
        rssBytes: 0,
        restarts: 0,
        command: 'x',
        sessionState: null,
      })),
      sessions: [],
      omitted: 0,
    };
    await fleet.redis.command(['SET', 'test:host:crowd', JSON.stringify(many), 'EX', '60']);
    window.member.refresh();
    await waitFor('error rows', () => {
      const rows = junk.map(([name]) => hostIn(window.member, name));
      return rows.every((row) => row?.kind === 'error') && hostIn(window.member, 'crowd') ? rows : undefined;
    });
    assert.equal(hostIn(window.member, 'good')?.kind, 'host');
    const huge = hostIn(window.member, 'huge');
    assert.match(huge?.kind === 'error' ? huge.reason : '', /larger than 256 KiB/);
    const hash = hostIn(window.member, 'hash');
    assert.match(hash?.kind === 'error' ? hash.reason : '', /WRONGTYPE/);
    const crowd = hostIn(window.member, 'crowd');
    assert.equal(crowd?.kind === 'host' ? crowd.heartbeat.workers.length : -1, MAX_PUBLISHED_WORKERS);
    assert.equal(crowd?.kind === 'host' ? crowd.heartbeat.omitted : -1, 1_000 - MAX_PUBLISHED_WORKERS);
    good.member.refresh();
    await waitFor("the good host's own view lists the junk as errors", () =>
      hostIn(good.member, 'huge')?.kind === 'error' ? true : undefined,
    );
    faultReport.scenarios++;
    faultReport.badInputs += junk.length + 1;
  });
});
