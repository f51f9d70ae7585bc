// A window replaces its fleet member whenever its settings or secrets change (Connect to Fleet… changes
// both), so a member is often closed while it is still connecting or while one of its commands waits for
// an answer. Every member here of the same name shares a host id, and so a reply stream and its consumer.
import * as assert from 'node:assert/strict';
import { withTimeout } from '../../../../src/core/base/timeouts';
import { useFleet } from '../../../helpers/fleetFixture';
import { waitFor } from '../../../helpers/processes';
import { rawCommand } from '../../../helpers/redisServer';
import { definition } from '../../../helpers/supervisorFixture';

/** The names of the connections Redis holds now. */
async function clientNames(port: number): Promise<string[]> {
  const list = await rawCommand(port, 'CLIENT LIST');
  return [...list.matchAll(/ name=(\S*)/g)].map((match) => match[1]).filter((name) => name !== '');
}

describe('fleet members replaced by a reconnect', function () {
  this.timeout(30_000);
  const fleet = useFleet();

  it('a member closed while still connecting leaves no connection reading its replies', async () => {
    const first = fleet.member('alpha');
    // Closed at once, as Connect to Fleet's next settings change does: the link is still opening.
    await withTimeout(first.member.close(), 5_000, 'closing a member that is still connecting');
    await waitFor(
      'the closed member to have no connection left',
      async () =>
        (await clientNames(fleet.redis.port)).some((name) => name.startsWith('shepherd.alpha')) ? undefined : true,
      5_000,
    );

    // Its successor, same host id, gets every answer: none is read (and dropped) by a leftover consumer.
    const second = fleet.member('alpha');
    const beta = fleet.member('beta');
    for (const id of ['one', 'two', 'three']) {
      beta.supervisor.upsert(definition(id, 'sleep', ['1000']));
      await beta.supervisor.start(id);
    }
    await waitFor('both connected', () =>
      second.member.view.kind !== 'connecting' && beta.member.view.kind !== 'connecting' ? true : undefined,
    );
    for (const id of ['one', 'two', 'three']) {
      const result = await withTimeout(second.member.send('beta', id, 'stop'), 10_000, `the answer to stop ${id}`);
      assert.equal(result.ok, true, result.message);
    }
  });
});
