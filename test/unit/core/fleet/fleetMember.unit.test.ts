import * as assert from 'node:assert/strict';
import { useFleet } from '../../../helpers/fleetFixture';
import { waitFor } from '../../../helpers/processes';
import { definition } from '../../../helpers/supervisorFixture';
import { FleetView } from '../../../../src/core/fleet/fleetView';

function machinesOf(view: FleetView): string[] | undefined {
  return view.kind === 'machines' ? view.machines.map((m) => m.name) : undefined;
}

describe('fleet members on a real redis-server', function () {
  this.timeout(30_000);
  const fleet = useFleet();

  it('two windows discover each other; alone, a window says so rather than show an empty list', async () => {
    const a = fleet.member('alpha');
    await waitFor('alpha alone', () => (a.member.view.kind === 'alone' ? true : undefined));
    const b = fleet.member('beta');
    b.supervisor.upsert(definition('sleeper', 'sleep', ['1000']));
    await b.supervisor.start('sleeper');
    a.member.refresh();
    const seen = await waitFor('alpha sees beta', () => machinesOf(a.member.view));
    assert.deepEqual(seen, ['beta']);
    await waitFor('beta sees alpha', () => machinesOf(b.member.view));
    const view = a.member.view;
    assert.equal(view.kind, 'machines');
    const host = view.kind === 'machines' ? view.machines[0].hosts[0] : undefined;
    assert.equal(host?.kind, 'host');
    if (host?.kind === 'host') {
      assert.equal(host.status, 'online');
      assert.equal(host.heartbeat.workers[0].id, 'sleeper');
      assert.equal(host.heartbeat.workers[0].command, 'sleep', 'only the program name is published');
    }
    const calls = await fleet.redis.commandCalls();
    assert.ok((calls.get('scan') ?? 0) > 0, 'discovery used SCAN');
    assert.equal(calls.get('keys'), undefined, 'no code path sent KEYS');
  });

  it('a signed remote stop ends the worker on the other host and the sender gets the answer', async () => {
    const a = fleet.member('alpha');
    const b = fleet.member('beta');
    b.supervisor.upsert(definition('sleeper', 'sleep', ['1000']));
    await b.supervisor.start('sleeper');
    await waitFor('both connected', () =>
      a.member.view.kind !== 'connecting' && b.member.view.kind !== 'connecting' ? true : undefined,
    );
    const result = await a.member.send('beta', 'sleeper', 'stop');
    assert.equal(result.ok, true, result.message);
    assert.equal(b.supervisor.get('sleeper')?.state, 'stopped');
    assert.equal(b.member.commandCounts.executed, 1);
  });
});
