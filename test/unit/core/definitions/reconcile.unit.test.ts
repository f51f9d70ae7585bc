import * as assert from 'node:assert/strict';
import { diffDefinitions } from '../../../../src/core/definitions/reconcile';
import { definition } from '../../../helpers/supervisorFixture';

describe('diffDefinitions', () => {
  it('finds added, removed and changed definitions by id, ignoring order', () => {
    const api = definition('api', 'node', ['api.js']);
    const web = definition('web', 'node', ['web.js']);
    const old = definition('old', 'sleep', ['1']);
    const apiChanged = definition('api', 'node', ['api.js', '--port', '4000']);
    const db = definition('db', 'postgres', []);
    const diff = diffDefinitions([api, web, old], [db, web, apiChanged]);
    assert.deepEqual(diff.added, [db]);
    assert.deepEqual(diff.removed, ['old']);
    assert.deepEqual(diff.changed, [apiChanged]);
  });

  it('treats equal content in a new object as unchanged', () => {
    const diff = diffDefinitions([definition('a', 'x', ['1'])], [definition('a', 'x', ['1'])]);
    assert.deepEqual(diff, { added: [], removed: [], changed: [] });
  });

  it('notices a change in a nested field', () => {
    const before = definition('a', 'x', []);
    const after = definition('a', 'x', [], { restart: { ...before.restart, maxRestarts: 1 } });
    assert.deepEqual(diffDefinitions([before], [after]).changed, [after]);
  });
});
