import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { findMarked, killMarked, RUN_MARKER_VAR } from '../helpers/processes';

/**
 * A run-wide marker in this process's environment: every process any unit test starts inherits it,
 * so the run can prove at the end that nothing it spawned survived, whatever the individual tests did.
 */
const runMarker = randomUUID();
process.env[RUN_MARKER_VAR] = runMarker;

export const mochaHooks = {
  async afterAll(): Promise<void> {
    const leaked = await findMarked(runMarker, RUN_MARKER_VAR);
    await killMarked(runMarker, RUN_MARKER_VAR);
    assert.deepEqual(leaked, [], `processes started by the unit tests outlived them: ${leaked.join(', ')}`);
  },
};
