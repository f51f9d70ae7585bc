import * as assert from 'node:assert/strict';
import { codexAgentConfig } from '../../../../fixtures/mockLlm/acpAgentEnv';
import { startMockResponses } from '../../../../fixtures/mockLlm/responsesServer';
import { useCliSessions } from '../../../../helpers/agentSessions';
import { findMarked } from '../../../../helpers/processes';

// codex-acp's own check; the shared scenarios run it through codexAcpAdapter.ts.
describe('codex-acp stopped as a group', function () {
  this.timeout(60_000);
  const cli = useCliSessions();

  it('its npm wrapper and the native binary both end when the session stops the worker group', async () => {
    const mock = await startMockResponses((req) => ({ type: 'text', text: `re: ${req.lastUserText}` }));
    const { manager, workspace } = await cli.open(mock);
    const session = await manager.create(codexAgentConfig({ baseUrl: mock.url, root: cli.h.tempDir }), workspace);
    await manager.send(session.id, 'hello', workspace);
    const worker = cli.h.supervisor.get(manager.get(session.id)?.workerId ?? '');
    const running = await findMarked(cli.h.marker);
    // The wrapper (the worker's own pid) and the binary it spawned, which SIGTERM to the wrapper alone misses.
    assert.ok(worker?.pid && running.includes(worker.pid));
    assert.ok(running.length >= 2, `the wrapper and the native binary run: ${running.join(', ')}`);
    await manager.close(session.id);
    assert.deepEqual(await findMarked(cli.h.marker), [], 'the group stop ended both');
  });
});
