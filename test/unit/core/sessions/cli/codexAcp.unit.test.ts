import * as assert from 'node:assert/strict';
import { codexAgentConfig, resolveCodexAcp } from '../../../../fixtures/mockLlm/agentEnv';
import { startMockResponses } from '../../../../fixtures/mockLlm/responsesServer';
import { AcpCliAdapter, describeAcpCli } from '../../../../helpers/acpCliSuite';
import { useCliSessions } from '../../../../helpers/agentSessions';
import { findMarked } from '../../../../helpers/processes';

/** codex-acp 0.16 (Codex through its ACP adapter) against a mock OpenAI Responses API. */
const codex: AcpCliAdapter = {
  name: 'codex-acp',
  check: () => void resolveCodexAcp(),
  startMock: (reply) =>
    startMockResponses((text, toolOutput) => {
      const answer = reply({ lastUserText: text, toolResult: toolOutput });
      return answer.kind === 'text'
        ? { type: 'text', ...answer }
        : answer.kind === 'tool'
          ? { type: 'function_call', name: answer.name, args: answer.args }
          : { type: 'hang' };
    }),
  writeTool: (file, content) => ({
    name: 'exec_command',
    args: { cmd: `printf '%s\\n' '${content.trimEnd()}' > '${file}'` },
  }),
  loadsSessions: true,
  agent: (baseUrl, root) => codexAgentConfig({ baseUrl, root }),
  // codex-acp reports usage as usage_update (the context meter), not as per-turn token counts.
  tokensPerTurn: undefined,
};

describeAcpCli(codex);

describe('codex-acp stopped as a group', function () {
  this.timeout(60_000);
  const cli = useCliSessions();

  it('its npm wrapper and the native binary both end when the session stops the worker group', async () => {
    const mock = await startMockResponses((text) => ({ type: 'text', text: `re: ${text}` }));
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
