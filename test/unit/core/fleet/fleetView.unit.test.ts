import * as assert from 'node:assert/strict';
import { DiscoveredHost } from '../../../../src/core/fleet/discovery';
import { describeFleetView, fleetViewOf } from '../../../../src/core/fleet/fleetView';
import { buildHeartbeat } from '../../../../src/core/fleet/heartbeat';

function host(hostId: string, machine: string): DiscoveredHost {
  const heartbeat = buildHeartbeat(
    {
      hostId,
      machine,
      role: 'peer',
      name: hostId,
      version: '1',
      intervalMs: 5_000,
      remoteControl: false,
      shareCommandLines: false,
    },
    [],
    [],
  );
  return { kind: 'host', hostId, heartbeat, ageMs: 0, status: 'online' };
}

describe('the fleet view state', () => {
  it('is connecting until a discovery round on the current connection succeeded, never an empty list', () => {
    assert.equal(fleetViewOf({ kind: 'connecting' }, undefined, 'me').kind, 'connecting');
    assert.equal(fleetViewOf({ kind: 'connected', epoch: 1 }, undefined, 'me').kind, 'connecting');
  });

  it('says Redis is unreachable with the reason and the seconds until the retry', () => {
    const view = fleetViewOf({ kind: 'unreachable', reason: 'ECONNREFUSED', retryAt: 10_000 }, [host('a', 'a')], 'me');
    assert.equal(describeFleetView(view, 6_500), 'Redis unreachable: ECONNREFUSED; retrying in 4 s');
  });

  it('tells "no other machines" from machines, leaving this host out and grouping by machine', () => {
    assert.equal(fleetViewOf({ kind: 'connected', epoch: 1 }, [host('me', 'laptop')], 'me').kind, 'alone');
    const view = fleetViewOf(
      { kind: 'connected', epoch: 1 },
      [host('me', 'laptop'), host('gpu-2', 'gpu'), host('gpu-1', 'gpu'), host('ci', 'ci')],
      'me',
    );
    assert.equal(view.kind, 'machines');
    if (view.kind === 'machines') {
      assert.deepEqual(
        view.machines.map((m) => [m.name, m.hosts.map((h) => h.hostId)]),
        [
          ['ci', ['ci']],
          ['gpu', ['gpu-1', 'gpu-2']],
        ],
      );
    }
  });

  it('explains how to turn the fleet on, or names the bad settings', () => {
    assert.match(describeFleetView({ kind: 'not-configured', problems: [] }), /shepherd\.fleet\.redisUrl/);
    assert.match(describeFleetView({ kind: 'not-configured', problems: ['"namespace" bad'] }), /"namespace" bad/);
  });
});
