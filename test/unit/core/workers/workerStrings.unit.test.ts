import * as l10n from '@vscode/l10n';
import * as assert from 'node:assert/strict';
import { findMarked, fixture, waitFor } from '../../../helpers/processes';
import { definition, useSupervisor } from '../../../helpers/supervisorFixture';

/** A bundle as VS Code would hand it over: each English message, its translation. */
const BUNDLE = {
  'ran longer than its limit of {0} ms and was stopped': 'a dépassé sa limite de {0} ms et a été arrêté',
  'failed: {0}': 'en échec : {0}',
};

describe('Supervisor strings', () => {
  const h = useSupervisor({ tickMs: 100 });

  afterEach(() => {
    // The bundle is process-wide: every other test expects the English messages.
    l10n.config({ contents: {} });
  });

  it('says why a worker failed, and marks its output, in the language of the loaded bundle', async () => {
    l10n.config({ contents: BUNDLE });
    h.supervisor.upsert(definition('hung', 'sh', [fixture('stubborn.sh')], { maxRuntimeMs: 200, graceMs: 100 }));
    await h.supervisor.start('hung');
    await waitFor('hung to fail', () => (h.supervisor.get('hung')?.state === 'failed' ? true : undefined));
    const message = 'a dépassé sa limite de 200 ms et a été arrêté';
    assert.equal(h.supervisor.get('hung')?.message, message);
    assert.equal(h.supervisor.markers('hung').at(-1)?.text, `en échec : ${message}`);
    assert.deepEqual(await findMarked(h.marker), []);
  });
});
