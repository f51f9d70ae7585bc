import * as l10n from '@vscode/l10n';
import * as assert from 'node:assert/strict';
import { AgentConfig } from '../../../../src/core/sessions/agentConfig';
import { SessionManager } from '../../../../src/core/sessions/sessionManager';
import { useSupervisor } from '../../../helpers/supervisorFixture';

/** A bundle as VS Code would hand it over: each English message, its translation. */
const BUNDLE = {
  'Could not start {0}: {1}': 'Impossible de démarrer {0} : {1}',
  'There is no session "{0}".': 'Aucune session « {0} ».',
};

const missingAgent: AgentConfig = {
  id: 'missing',
  label: 'Missing',
  kind: 'claude',
  command: 'shepherd-missing-claude',
  args: [],
  cwd: undefined,
  env: {},
  endMarker: undefined,
  idleGapMs: 1_000,
};

describe('SessionManager strings', () => {
  const h = useSupervisor({ tickMs: 100 });
  let manager: SessionManager | undefined;

  function makeManager(): SessionManager {
    const { supervisor, tasks, logger } = h;
    return new SessionManager({ supervisor, tasks, logger, store: undefined, poolSize: 0, tickMs: 50 });
  }

  afterEach(async () => {
    // The bundle is process-wide: every other test expects the English messages.
    l10n.config({ contents: {} });
    await manager?.shutdown();
  });

  it('says in the transcript why an agent could not start, in the language of the loaded bundle', async () => {
    l10n.config({ contents: BUNDLE });
    manager = makeManager();
    const session = await manager.create(missingAgent, h.tempDir);
    const errors = manager.transcript(session.id).filter((entry) => entry.kind === 'error');
    assert.equal(errors.length, 1);
    assert.match('text' in errors[0] ? errors[0].text : '', /^Impossible de démarrer Missing : .*not found/);
  });

  it('names an unknown session in the language of the loaded bundle', async () => {
    l10n.config({ contents: BUNDLE });
    manager = makeManager();
    await assert.rejects(manager.send('nope', 'hello', h.tempDir), { message: 'Aucune session « nope ».' });
  });
});
