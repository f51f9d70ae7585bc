// The window's membership as Connect to Fleet… drives it: settings and secrets change one after the other,
// each change is an event, and the events come in bursts (a secret deleted that was never set fires too).
import * as assert from 'node:assert/strict';
import { withTimeout } from '../../../../src/core/base/timeouts';
import { FleetInputs, FleetMembership } from '../../../../src/core/fleet/fleetMembership';
import { FleetView } from '../../../../src/core/fleet/fleetView';
import { FLEET_SECRET, useFleet } from '../../../helpers/fleetFixture';
import { fixture, waitFor } from '../../../helpers/processes';
import { definition, RecordingLogger } from '../../../helpers/supervisorFixture';
import { createCoreServices } from '../../../../src/core/shepherdCore';

describe('a window joining the fleet (FleetMembership)', function () {
  this.timeout(30_000);
  const fleet = useFleet();
  let membership: FleetMembership | undefined;

  afterEach(() => membership?.dispose());

  /** A membership reading `inputs` as they are at each read, counting the members it builds. */
  function join(inputs: { current: FleetInputs }): {
    membership: FleetMembership;
    built: () => number;
    views: FleetView[];
  } {
    const logger = new RecordingLogger();
    const { tasks } = createCoreServices(logger);
    let built = 0;
    const views: FleetView[] = [];
    const made = new FleetMembership({
      read: () => Promise.resolve(inputs.current),
      makeMember: (settings, secrets, replies) => {
        built++;
        return Promise.resolve(fleet.member('alpha', { settings, secrets, replies, start: false }).member);
      },
      tasks,
      logger,
    });
    made.onDidChangeView((view) => views.push(view));
    membership = made;
    return { membership: made, built: () => built, views };
  }

  function settled(view: FleetView): true | undefined {
    return view.kind === 'alone' || view.kind === 'machines' ? true : undefined;
  }

  it("Connect to Fleet's burst of secret and settings events joins once, with the new secret", async () => {
    const settings = { redisUrl: fleet.redis.url, namespace: 'test', machineName: 'alpha', heartbeatSeconds: 1 };
    const inputs = { current: { settings, secrets: {} } as FleetInputs };
    const window = join(inputs);
    window.membership.reconnect('startup');
    await waitFor('the window to join', () => settled(window.membership.view));
    const before = window.views.length;

    // What Connect to Fleet does: two deletes of secrets that were never set, the fleet secret, the same URL.
    window.membership.reconnect('secrets changed');
    window.membership.reconnect('secrets changed');
    inputs.current = { settings, secrets: { fleetSecret: FLEET_SECRET } };
    window.membership.reconnect('secrets changed');
    window.membership.reconnect('settings changed');
    await waitFor('the window to join again', () =>
      window.built() > 1 && settled(window.membership.view) ? true : undefined,
    );
    const shown = window.views.slice(before).map((view) => view.kind);

    const beta = fleet.member('beta');
    beta.supervisor.upsert(definition('sleeper', 'sleep', ['1000']));
    await beta.supervisor.start('sleeper');
    await waitFor('beta connected', () => settled(beta.member.view));
    const result = await withTimeout(window.membership.send('beta', 'sleeper', 'stop'), 10_000, 'the stop answer');
    assert.equal(result.ok, true, result.message);
    assert.equal(window.built(), 2, 'one member at startup, one for the new secret');
    // The member repeats a state as its link and discovery report it; what the user sees is the changes.
    const changes = shown.filter((kind, index) => kind !== shown[index - 1]);
    assert.deepEqual(changes, ['connecting', 'alone'], 'the view said "Connecting" once, then settled');
  });

  it('an answer still reaches its Stop when a settings change rebuilds the member meanwhile', async () => {
    const settings = { redisUrl: fleet.redis.url, namespace: 'test', machineName: 'alpha', heartbeatSeconds: 1 };
    const inputs = { current: { settings, secrets: { fleetSecret: FLEET_SECRET } } as FleetInputs };
    const window = join(inputs);
    window.membership.reconnect('startup');
    const beta = fleet.member('beta');
    // Ignores SIGTERM: the stop takes its 3 s grace, long enough to change a setting while it runs.
    beta.supervisor.upsert(definition('stubborn', 'sh', [fixture('stubborn.sh')], { graceMs: 3_000 }));
    await beta.supervisor.start('stubborn');
    await waitFor('stubborn ready', () =>
      beta.supervisor.output('stubborn').some((l) => l.text === 'ready') ? true : undefined,
    );
    await waitFor('both joined', () => settled(window.membership.view) && settled(beta.member.view));

    const answer = window.membership.send('beta', 'stubborn', 'stop');
    await waitFor('the stop to begin', () =>
      beta.supervisor.get('stubborn')?.state === 'stopping' ? true : undefined,
    );
    inputs.current = { settings: { ...settings, heartbeatSeconds: 2 }, secrets: inputs.current.secrets };
    window.membership.reconnect('settings changed');
    await waitFor('the member rebuilt', () => (window.built() === 2 ? true : undefined));

    const result = await withTimeout(answer, 15_000, 'the stop answer');
    assert.equal(result.ok, true, result.message);
    assert.match(result.message, /stubborn stopped \(killed after \d+ ms\)/);
  });

  it('a settings change that moves the reply stream fails the waiting Stop at once, saying why', async () => {
    const settings = { redisUrl: fleet.redis.url, namespace: 'test', machineName: 'alpha', heartbeatSeconds: 1 };
    const inputs = { current: { settings, secrets: { fleetSecret: FLEET_SECRET } } as FleetInputs };
    const window = join(inputs);
    window.membership.reconnect('startup');
    await waitFor('the window joined', () => settled(window.membership.view));

    // Nobody reads "nobody"'s commands, so no answer would ever come.
    const answer = window.membership.send('nobody', 'w', 'stop');
    inputs.current = { settings: { ...settings, namespace: 'other' }, secrets: inputs.current.secrets };
    window.membership.reconnect('settings changed');
    const result = await withTimeout(answer, 5_000, 'the failed stop');
    assert.deepEqual(result, { ok: false, message: 'the fleet settings changed before the answer came' });
  });

  it('a window closed while a reconnect reads its settings joins nothing afterwards', async () => {
    const settings = { redisUrl: fleet.redis.url, namespace: 'test', machineName: 'alpha', heartbeatSeconds: 1 };
    const window = join({ current: { settings, secrets: {} } });
    window.membership.reconnect('startup');
    window.membership.dispose();
    // The read resolves at once; a member, had one been built, would be connecting by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(window.built(), 0, 'no member was built after dispose()');
  });
});
