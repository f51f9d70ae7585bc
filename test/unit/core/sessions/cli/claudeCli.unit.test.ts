import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { AgentConfig } from '../../../../../src/core/sessions/agentConfig';
import { SessionManager } from '../../../../../src/core/sessions/sessionManager';
import { claudeAgentConfig, requireWorkingClaude } from '../../../../fixtures/mockLlm/agentEnv';
import {
  AnthropicRequestInfo,
  AnthropicScript,
  startMockAnthropic,
  textReply,
  toolThenText,
} from '../../../../fixtures/mockLlm/anthropicServer';
import {
  assistantTexts,
  recordAssistantDeltas,
  recordStates,
  transcriptLines,
  useCliSessions,
} from '../../../../helpers/agentSessions';
import { waitFor } from '../../../../helpers/processes';

/** Two hundred words, one per delta 30 ms apart: six seconds of reply, to be cut in the middle. */
const LONG_REPLY = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
const SLOW = { deltas: 200, delayMs: 30 } as const;
/** Starting an agent on a loaded CI machine can take seconds; a wait for its first words allows for that. */
const FIRST_WORDS_MS = 20_000;

/**
 * The real Claude Code binary, driven through Shepherd's SessionManager, against a mock Anthropic
 * API on 127.0.0.1. What the tests pin down was checked against Claude Code 2.1.197.
 */
describe('Claude Code CLI through SessionManager (mock Anthropic API)', function () {
  this.timeout(30_000);
  /** The main-loop requests the mock answered (the ones that offer tools), in order. */
  let requests: AnthropicRequestInfo[] = [];
  let workspace = '';

  before(function () {
    // A CLI that is missing or does not run fails here, with the reason, rather than being skipped.
    requireWorkingClaude();
  });

  const cli = useCliSessions();
  const h = cli.h;

  async function start(script: AnthropicScript): Promise<{ agent: AgentConfig; manager: SessionManager }> {
    requests = [];
    const mock = await startMockAnthropic((req) => {
      if (req.hasTools) {
        requests.push(req);
      }
      return script(req);
    });
    const opened = await cli.open(mock);
    workspace = opened.workspace;
    return { agent: claudeAgentConfig({ baseUrl: mock.url, root: h.tempDir }), manager: opened.manager };
  }

  it('holds a two-turn conversation in one process: ordered deltas, idle after each turn, tokens and cost', async () => {
    const { agent, manager } = await start((req) =>
      textReply(`You said: ${req.lastUserText}`, { deltas: 5, delayMs: 10 }),
    );
    const session = await manager.create(agent, workspace);
    const deltas = recordAssistantDeltas(manager, session.id);
    const states = recordStates(manager, session.id);

    await manager.send(session.id, 'hello', workspace);
    const afterFirst = manager.get(session.id);
    assert.equal(afterFirst?.state, 'idle');
    assert.equal(afterFirst?.model, 'claude-sonnet-4-5');
    assert.equal(afterFirst?.usage.inputTokens, 11);
    assert.equal(afterFirst?.usage.outputTokens, 7);
    const firstCost = afterFirst?.usage.costUsd ?? 0;
    assert.ok(firstCost > 0, 'the first turn reported a cost');

    await manager.send(session.id, 'again', workspace);
    const view = manager.get(session.id);
    assert.equal(view?.state, 'idle');
    assert.equal(view?.workerId, afterFirst?.workerId, 'one process held the conversation');
    assert.deepEqual(assistantTexts(manager, session.id), ['You said: hello', 'You said: again']);
    // Each reply reached the transcript as the mock streamed it: five pieces, in order.
    const pieces = [...deltas.pieces.values()];
    assert.deepEqual(
      pieces.map((p) => p.join('')),
      ['You said: hello', 'You said: again'],
    );
    assert.ok(
      pieces.every((p) => p.length === 5),
      `streamed in 5 deltas each: ${JSON.stringify(pieces)}`,
    );
    assert.equal(view?.usage.inputTokens, 22);
    assert.equal(view?.usage.outputTokens, 14);
    // The CLI reports a running total per process; the session must add each turn once.
    assert.ok(
      Math.abs((view?.usage.costUsd ?? 0) - 2 * firstCost) < 1e-9,
      `cost ${view?.usage.costUsd} is twice ${firstCost}`,
    );
    // (An update that lands before the first message, such as the agent announcing itself, may show it idle.)
    assert.deepEqual(
      states.states.slice(states.states.indexOf('busy')),
      ['busy', 'idle', 'busy', 'idle'],
      'busy for each turn, idle once it ended',
    );
    assert.doesNotMatch(
      transcriptLines(manager, session.id),
      /^(notice|error):/m,
      'every line the CLI printed was understood',
    );
    assert.deepEqual(requests[requests.length - 1]?.userTexts, ['hello', 'again']);
    assert.deepEqual(requests[requests.length - 1]?.assistantTexts, ['You said: hello']);
    deltas.dispose();
    states.dispose();
  });

  it('interrupts a reply mid-stream: the turn ends as interrupted and the session goes on', async () => {
    const { agent, manager } = await start((req) =>
      req.lastUserText.includes('story') ? textReply(LONG_REPLY, SLOW) : textReply('after the interrupt'),
    );
    const session = await manager.create(agent, workspace);
    const turn = manager.send(session.id, 'tell me a long story', workspace);
    await waitFor(
      'the reply to stream',
      () => (assistantTexts(manager, session.id).join('').includes('w3') ? true : undefined),
      FIRST_WORDS_MS,
    );
    manager.interrupt(session.id);
    await turn;
    assert.match(transcriptLines(manager, session.id), /notice:Interrupted\./);
    assert.doesNotMatch(transcriptLines(manager, session.id), /^error:/m);
    assert.ok(!assistantTexts(manager, session.id)[0]?.includes('w199'), 'the reply was cut short');
    assert.equal(manager.get(session.id)?.state, 'idle');
    await waitFor('the CLI to drop the stream', () => (requests[0]?.recorded.clientAborted ? true : undefined));

    await manager.send(session.id, 'go on', workspace);
    assert.equal(assistantTexts(manager, session.id).at(-1), 'after the interrupt');
    assert.equal(manager.get(session.id)?.state, 'idle');
  });

  it('reports an agent killed mid-turn clearly, and resumes the conversation on the next message', async () => {
    const { agent, manager } = await start((req) => {
      if (req.lastUserText.endsWith('third')) {
        return textReply('resumed answer');
      }
      return req.lastUserText.includes('second') ? textReply(LONG_REPLY, SLOW) : textReply('first answer');
    });
    const session = await manager.create(agent, workspace);
    await manager.send(session.id, 'first', workspace);
    const firstWorker = manager.get(session.id)?.workerId ?? '';
    const pid = h.supervisor.get(firstWorker)?.pid;
    assert.ok(pid, 'the agent runs');

    const turn = manager.send(session.id, 'second', workspace);
    await waitFor(
      'the second reply to stream',
      () => (assistantTexts(manager, session.id).join('').includes('w3') ? true : undefined),
      FIRST_WORDS_MS,
    );
    process.kill(pid, 'SIGKILL');
    await turn;
    assert.match(
      transcriptLines(manager, session.id),
      /error:The turn failed: the agent process was killed by SIGKILL in the middle of a turn\. Your next message resumes the conversation\./,
    );
    assert.equal(manager.get(session.id)?.state, 'exited');

    await manager.send(session.id, 'third', workspace);
    const view = manager.get(session.id);
    assert.equal(view?.state, 'idle');
    assert.notEqual(view?.workerId, firstWorker);
    const args = h.supervisor.definition(view?.workerId ?? '')?.args ?? [];
    assert.match(
      args[args.indexOf('--resume') + 1] ?? '',
      /^[0-9a-f-]{36}$/,
      `resumed by session id: ${args.join(' ')}`,
    );
    assert.match(transcriptLines(manager, session.id), /notice:Resuming the conversation in a new agent process/);
    assert.equal(assistantTexts(manager, session.id).at(-1), 'resumed answer');
    // The new process sent the earlier exchange along: the conversation continued. The cut-off reply to
    // "second" is lost with the process, and "second" itself only if the CLI had not yet saved it when it
    // was killed (its session file is written asynchronously; under load, seen both ways).
    const last = requests[requests.length - 1];
    const userTexts = (last?.userTexts ?? []).filter((text) => text !== 'second');
    assert.deepEqual(userTexts, ['first', 'third']);
    assert.equal(last?.assistantTexts[0], 'first answer');
  });

  for (const decision of ['allow', 'deny'] as const) {
    it(`waits for input on a Bash permission request, and ${decision === 'allow' ? 'Allow runs the command' : 'Deny does not'}`, async () => {
      const file = `${decision}ed.txt`;
      const { agent, manager } = await start(
        toolThenText(
          { name: 'Bash', input: { command: `touch ${file}`, description: `Create ${file}` } },
          (result) => `Tool finished (is_error=${result.is_error}).`,
        ),
      );
      const session = await manager.create(agent, workspace);
      const turn = manager.send(session.id, 'make the file', workspace);
      await waitFor(
        'the permission request',
        () => (manager.get(session.id)?.state === 'waiting-for-input' ? true : undefined),
        FIRST_WORDS_MS,
      );
      const workerId = manager.get(session.id)?.workerId ?? '';
      assert.equal(h.supervisor.get(workerId)?.sessionState, 'waiting-for-input');
      const request = manager.transcript(session.id).find((e) => e.kind === 'permission');
      assert.ok(request?.kind === 'permission');
      assert.equal(request.toolName, 'Bash');
      assert.match(request.input, new RegExp(`touch ${file}`));
      assert.equal(existsSync(path.join(workspace, file)), false, 'nothing ran before the decision');

      assert.ok(manager.respond(session.id, request.requestId, decision));
      await turn;
      assert.equal(manager.get(session.id)?.state, 'idle');
      const decided = manager.transcript(session.id).find((e) => e.kind === 'permission');
      assert.equal(decided?.kind === 'permission' && decided.decision, decision);
      const tool = manager.transcript(session.id).find((e) => e.kind === 'tool');
      assert.ok(
        tool?.kind === 'tool' && tool.name === 'Bash' && tool.output !== undefined,
        'the tool call and its result are in the transcript',
      );
      if (decision === 'allow') {
        assert.equal(existsSync(path.join(workspace, file)), true, 'the allowed command ran');
        assert.equal(tool.isError, false);
        assert.equal(assistantTexts(manager, session.id).at(-1), 'Tool finished (is_error=false).');
      } else {
        assert.equal(existsSync(path.join(workspace, file)), false, 'the denied command did not run');
        assert.equal(tool.isError, true);
        assert.match(requests[requests.length - 1]?.toolResults[0]?.content ?? '', /denied this tool in Shepherd/);
        assert.equal(assistantTexts(manager, session.id).at(-1), 'Tool finished (is_error=true).');
      }
    });
  }
});
