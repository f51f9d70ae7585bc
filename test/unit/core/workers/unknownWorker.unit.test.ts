import * as assert from 'node:assert/strict';
import { requireWorker, UnknownWorkerError } from '../../../../src/core/workers/unknownWorkerError';
import { definition, useSupervisor } from '../../../helpers/supervisorFixture';

describe('an id that names no worker', () => {
  const h = useSupervisor();

  function isUnknown(id: string): (error: unknown) => boolean {
    return (error) =>
      error instanceof UnknownWorkerError && error.workerId === id && error.message === `There is no worker "${id}".`;
  }

  it('is refused by the supervisor with UnknownWorkerError', async () => {
    await assert.rejects(h.supervisor.start('ghost'), isUnknown('ghost'));
    assert.throws(() => h.supervisor.relabel('ghost', 'Ghost'), isUnknown('ghost'));
  });

  it('is refused by requireWorker, which returns the view of a known one', () => {
    h.supervisor.upsert(definition('known', process.execPath, ['-e', '']));
    assert.equal(requireWorker(h.supervisor, 'known').id, 'known');
    assert.throws(() => requireWorker(h.supervisor, 'ghost'), isUnknown('ghost'));
  });
});
