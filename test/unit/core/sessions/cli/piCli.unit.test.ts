import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { AgentConfig } from '../../../../../src/core/sessions/agentConfig';
import { SessionManager } from '../../../../../src/core/sessions/sessionManager';
import { PI_MOCK_MODEL, piAgentConfig, resolvePiCli } from '../../../../fixtures/mockLlm/agentEnv';
import {
  OpenAIRequestInfo,
  OpenAIScript,
  openaiTextReply,
  openaiToolCallReply,
  startMockOpenAI,
} from '../../../../fixtures/mockLlm/openaiServer';
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
/** The mock model's price (see piModelsJson): 11 input tokens at $1/M plus 7 output tokens at $2/M. */
const COST_PER_TURN_USD = (11 * 1 + 7 * 2) / 1_000_000;

/**
 * The real pi CLI (`pi --mode rpc`), driven through Shepherd's SessionManager, against a mock
 * OpenAI-compatible API on 127.0.0.1. What the tests pin down was checked against pi 0.73.1.
 */
describe('pi CLI through SessionManager (mock OpenAI API)', function () {
  // pi is a Node program: each process takes a second or two to start.
  this.timeout(40_000);
  let requests: OpenAIRequestInfo[] = [];
  let workspace = '';

  before(function () {
    // A missing install fails here, with the reason, rather than being skipped.
    resolvePiCli();
  });

  const cli = useCliSessions();
  const h = cli.h;

  async function start(script: OpenAIScript): Promise<{ agent: AgentConfig; manager: SessionManager }> {
    requests = [];
    const mock = await startMockOpenAI((req) => {
      requests.push(req);
      return script(req);
    });
    // No transcript store: pi's own session file, learnt from the agent, is what resuming relies on.
    const opened = await cli.open(mock);
    workspace = opened.workspace;
    return { agent: piAgentConfig({ baseUrl: mock.url, root: h.tempDir }), manager: opened.manager };
  }

  it('holds a two-turn conversation in one process: ordered deltas, idle after each turn, tokens and cost', async () => {
    const { agent, manager } = await start((req) =>
      openaiTextReply(`You said: ${req.lastUserText}`, { deltas: 5, delayMs: 10 }),
    );
    const session = await manager.create(agent, workspace);
    const deltas = recordAssistantDeltas(manager, session.id);
    const states = recordStates(manager, session.id);

    await manager.send(session.id, 'hello', workspace);
    const afterFirst = manager.get(session.id);
    assert.equal(afterFirst?.state, 'idle');
    assert.equal(afterFirst?.model, PI_MOCK_MODEL, 'the model, from the get_state handshake');
    assert.deepEqual(
      afterFirst?.usage && { ...afterFirst.usage, costUsd: Math.round(afterFirst.usage.costUsd * 1e9) },
      {
        inputTokens: 11,
        outputTokens: 7,
        costUsd: Math.round(COST_PER_TURN_USD * 1e9),
      },
    );

    await manager.send(session.id, 'again', workspace);
    const view = manager.get(session.id);
    assert.equal(view?.state, 'idle');
    assert.equal(view?.workerId, afterFirst?.workerId, 'one process held the conversation');
    assert.deepEqual(assistantTexts(manager, session.id), ['You said: hello', 'You said: again']);
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
    assert.ok(Math.abs((view?.usage.costUsd ?? 0) - 2 * COST_PER_TURN_USD) < 1e-12, `cost ${view?.usage.costUsd}`);
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
      req.lastUserText.includes('story') ? openaiTextReply(LONG_REPLY, SLOW) : openaiTextReply('after the interrupt'),
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
    await waitFor('pi to drop the stream', () => (requests[0]?.recorded.clientAborted ? true : undefined));

    await manager.send(session.id, 'go on', workspace);
    assert.equal(assistantTexts(manager, session.id).at(-1), 'after the interrupt');
    assert.equal(manager.get(session.id)?.state, 'idle');
  });

  it('reports an agent killed mid-turn clearly, and resumes the conversation from its session file', async () => {
    const { agent, manager } = await start((req) => {
      if (req.lastUserText === 'third') {
        return openaiTextReply('resumed answer');
      }
      return req.lastUserText === 'second' ? openaiTextReply(LONG_REPLY, SLOW) : openaiTextReply('first answer');
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
    // The session file pi named in its handshake, under its agent dir (there is no store here).
    const args = h.supervisor.definition(view?.workerId ?? '')?.args ?? [];
    const sessionFile = args[args.indexOf('--session') + 1] ?? '';
    assert.ok(
      sessionFile.startsWith(h.tempDir) && sessionFile.endsWith('.jsonl'),
      `resumed from a session file: ${args.join(' ')}`,
    );
    assert.ok(existsSync(sessionFile));
    assert.match(transcriptLines(manager, session.id), /notice:Resuming the conversation in a new agent process/);
    assert.equal(assistantTexts(manager, session.id).at(-1), 'resumed answer');
    // The new process sent the earlier exchange along (the cut-off reply to "second" died with pi).
    const last = requests[requests.length - 1];
    assert.deepEqual(last?.userTexts, ['first', 'second', 'third']);
    assert.deepEqual(last?.assistantTexts, ['first answer']);
  });

  it('shows a tool call and its result (pi runs its tools without asking)', async () => {
    const { agent, manager } = await start((req) =>
      req.toolResults.length > 0
        ? openaiTextReply('The file is there.')
        : openaiToolCallReply('bash', { command: 'touch made-by-pi.txt' }),
    );
    const session = await manager.create(agent, workspace);
    await manager.send(session.id, 'make the file', workspace);
    assert.equal(existsSync(path.join(workspace, 'made-by-pi.txt')), true, 'the tool ran in the session folder');
    const tool = manager.transcript(session.id).find((e) => e.kind === 'tool');
    assert.ok(tool?.kind === 'tool');
    assert.equal(tool.name, 'bash');
    assert.match(tool.input, /touch made-by-pi\.txt/);
    assert.equal(tool.isError, false);
    assert.notEqual(tool.output, undefined, 'the result was matched to its call');
    assert.equal(assistantTexts(manager, session.id).at(-1), 'The file is there.');
    assert.equal(manager.get(session.id)?.state, 'idle');
    assert.equal(manager.get(session.id)?.usage.inputTokens, 22, 'usage summed over both model calls of the turn');
  });
});
