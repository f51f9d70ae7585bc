import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { AgentConfig } from '../../../../../src/core/sessions/agentConfig';
import { SessionManager } from '../../../../../src/core/sessions/sessionManager';
import { JsonObject, MockServerHandle, ModelRequestInfo } from '../../../../fixtures/mockLlm/common';
import {
  assistantTexts,
  recordAssistantDeltas,
  recordStates,
  transcriptLines,
  useCliSessions,
} from '../../../../helpers/agentSessions';
import { waitFor } from '../../../../helpers/processes';

/** A tool result as the agent sent it back to the model, whichever mock API received it. */
export interface ToolResult {
  readonly content: string;
  /** Whether the agent told the model the tool failed; undefined where the API has no such flag. */
  readonly isError: boolean | undefined;
}

/** One request of the agent's main loop (the one that offers tools), whichever mock API received it. */
export type ModelRequest = ModelRequestInfo<ToolResult>;

/** How a reply is streamed: in `deltas` pieces, `delayMs` apart. */
export interface Pacing {
  readonly deltas?: number;
  readonly delayMs?: number;
}

/** What the mock model answers, in terms every mock API can say. */
export type ModelReply =
  | { readonly type: 'text'; readonly text: string; readonly pacing: Pacing }
  | { readonly type: 'tool'; readonly name: string; readonly input: JsonObject };

export type ModelScript = (req: ModelRequest) => ModelReply;

export interface MockModel {
  readonly server: MockServerHandle;
  /** The main-loop requests the mock answered so far, in order (a live list). */
  readonly requests: readonly ModelRequest[];
}

/**
 * One agent CLI, as the shared suite needs it. Adding an agent to the suite is writing one of these:
 * how to start its mock model server, its Shepherd config (args, env) pointed at it, which scenarios
 * it supports (through its shell tool), and the checks only it can make.
 */
export interface AgentCliAdapter {
  /** Names the suite, e.g. "Claude Code CLI". */
  readonly name: string;
  /** The API its mock speaks, e.g. "mock Anthropic API". */
  readonly mockApi: string;
  /** Per test: starting the agent's process, once or twice, dominates it. */
  readonly timeoutMs: number;
  /** Fails, with the reason, when the CLI is missing or does not run, rather than skipping the suite. */
  requireInstalled(): void;
  /** Starts the mock model server; the main-loop requests go to `script`. */
  startMock(script: ModelScript): Promise<MockModel>;
  /** The agent as Shepherd runs it, pointed at the mock, with its HOME and config under `root`. */
  agentConfig(options: { baseUrl: string; root: string }): AgentConfig;
  /** The model the session reports once the agent has announced itself (an ACP agent names itself). */
  readonly model: string;
  /** What the agent reports of a turn's usage. */
  readonly usage: {
    /** Token counts per turn (the mock's 11 in, 7 out), or only the context meter (ACP `usage_update`). */
    readonly tokens: 'per-turn' | 'context-only';
    /** One mock turn's cost when the mock's price is known, or priced by the CLI itself, or never reported. */
    readonly cost: { readonly perTurnUsd: number } | 'priced-by-agent' | 'none';
  };
  /** The agent's shell tool, which picks the tool scenarios it runs. */
  readonly shellTool: {
    readonly name: string;
    /** How Shepherd names its calls (an ACP agent gives each call a title of its own). */
    readonly shownAs: RegExp;
    input(command: string, description: string): JsonObject;
    /**
     * Set when the agent asks before it runs the tool: the allow and deny scenarios run. Unset: the
     * agent runs it unasked.
     */
    readonly permission:
      | {
          /**
           * A denied call's result as the model sees it; undefined where a denial ends the turn
           * without asking the model again (codex-acp's "No" aborts the turn, stop reason cancelled).
           */
          readonly deniedResult: RegExp | undefined;
          /** The agent's own labels for allow and deny (ACP permission options); unset where Shepherd names them. */
          readonly labels?: { readonly allow: string; readonly deny: string };
        }
      | undefined;
  };
  /** How a new process takes up the conversation after the old one was killed. */
  readonly resume: {
    /** Ends the scenario's title, e.g. "from its session file". */
    readonly how: string;
    /**
     * Checks that the new process (started with `args`) resumed the conversation, and that `request`,
     * its first to the model, carried it. The user said "first", "second" (cut off by the kill) and
     * "third"; the model answered "first answer" to the first. `transcript` is the session's, as lines.
     */
    check(resumed: {
      args: readonly string[];
      root: string;
      request: ModelRequest | undefined;
      transcript: string;
    }): void;
  };
}

export function text(value: string, pacing: Pacing = {}): ModelReply {
  return { type: 'text', text: value, pacing };
}

/** Two hundred words, one per delta 30 ms apart: six seconds of reply, to be cut in the middle. */
const LONG_REPLY = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
const SLOW: Pacing = { deltas: 200, delayMs: 30 };
/** Starting an agent on a loaded CI machine can take seconds; a wait for its first words allows for that. */
const FIRST_WORDS_MS = 20_000;

/**
 * The real agent CLI, driven through Shepherd's SessionManager against its mock model server on
 * 127.0.0.1: a conversation, an interrupt, a kill and resume, and its tool scenarios.
 */
export function describeAgentCli(adapter: AgentCliAdapter): void {
  describe(`${adapter.name} through SessionManager (${adapter.mockApi})`, function () {
    this.timeout(adapter.timeoutMs);
    let mock: MockModel | undefined;
    let workspace = '';

    before(function () {
      adapter.requireInstalled();
    });

    const cli = useCliSessions();
    const h = cli.h;

    async function start(script: ModelScript): Promise<{ agent: AgentConfig; manager: SessionManager }> {
      mock = await adapter.startMock(script);
      const opened = await cli.open(mock.server);
      workspace = opened.workspace;
      return { agent: adapter.agentConfig({ baseUrl: mock.server.url, root: h.tempDir }), manager: opened.manager };
    }

    function requests(): readonly ModelRequest[] {
      return mock?.requests ?? [];
    }

    it('holds a two-turn conversation in one process: ordered deltas, idle after each turn, tokens and cost', async () => {
      const { agent, manager } = await start((req) =>
        text(`You said: ${req.lastUserText}`, { deltas: 5, delayMs: 10 }),
      );
      const session = await manager.create(agent, workspace);
      const deltas = recordAssistantDeltas(manager, session.id);
      const states = recordStates(manager, session.id);

      await manager.send(session.id, 'hello', workspace);
      const afterFirst = manager.get(session.id);
      assert.equal(afterFirst?.state, 'idle');
      assert.equal(afterFirst?.model, adapter.model, 'the model, from the agent announcing itself');
      const perTurn = adapter.usage.tokens === 'per-turn';
      if (perTurn) {
        assert.equal(afterFirst?.usage.inputTokens, 11);
        assert.equal(afterFirst?.usage.outputTokens, 7);
      } else {
        const used = afterFirst?.context?.usedTokens ?? 0;
        assert.ok(used > 0, `the context meter: ${JSON.stringify(afterFirst?.context)}`);
      }
      const firstCost = afterFirst?.usage.costUsd ?? 0;
      const cost = adapter.usage.cost;
      if (cost === 'priced-by-agent') {
        assert.ok(firstCost > 0, 'the first turn reported a cost');
      } else if (cost === 'none') {
        assert.equal(afterFirst?.usage.costUsd ?? 0, 0, 'no cost where the agent reports none');
      } else {
        assert.equal(Math.round(firstCost * 1e9), Math.round(cost.perTurnUsd * 1e9), `cost ${firstCost}`);
      }

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
      assert.equal(view?.usage.inputTokens, perTurn ? 22 : 0);
      assert.equal(view?.usage.outputTokens, perTurn ? 14 : 0);
      // A CLI may report a running total per process; the session must add each turn once.
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
      assert.deepEqual(requests().at(-1)?.userTexts, ['hello', 'again']);
      assert.deepEqual(requests().at(-1)?.assistantTexts, ['You said: hello']);
      deltas.dispose();
      states.dispose();
    });

    it('interrupts a reply mid-stream: the turn ends as interrupted and the session goes on', async () => {
      const { agent, manager } = await start((req) =>
        req.lastUserText.includes('story') ? text(LONG_REPLY, SLOW) : text('after the interrupt'),
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
      await waitFor(`${adapter.name} to drop the stream`, () =>
        requests()[0]?.recorded.clientAborted ? true : undefined,
      );

      await manager.send(session.id, 'go on', workspace);
      assert.equal(assistantTexts(manager, session.id).at(-1), 'after the interrupt');
      assert.equal(manager.get(session.id)?.state, 'idle');
    });

    it(`reports an agent killed mid-turn clearly, and resumes the conversation ${adapter.resume.how}`, async () => {
      const { agent, manager } = await start((req) => {
        if (req.lastUserText.endsWith('third')) {
          return text('resumed answer');
        }
        return req.lastUserText.includes('second') ? text(LONG_REPLY, SLOW) : text('first answer');
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
      assert.match(transcriptLines(manager, session.id), /notice:Resuming the conversation in a new agent process/);
      assert.equal(assistantTexts(manager, session.id).at(-1), 'resumed answer');
      adapter.resume.check({
        args: h.supervisor.definition(view?.workerId ?? '')?.args ?? [],
        root: h.tempDir,
        request: requests().at(-1),
        transcript: transcriptLines(manager, session.id),
      });
    });

    const tool = adapter.shellTool;
    const permission = tool.permission;
    if (permission) {
      for (const decision of ['allow', 'deny'] as const) {
        const outcome = decision === 'allow' ? 'Allow runs the command' : 'Deny does not';
        it(`waits for input on a ${tool.name} permission request, and ${outcome}`, async () => {
          const file = `${decision}ed.txt`;
          const { agent, manager } = await start((req) => {
            const result = req.toolResults[0];
            return result
              ? text(`Tool finished (is_error=${result.isError}).`)
              : { type: 'tool', name: tool.name, input: tool.input(`touch ${file}`, `Create ${file}`) };
          });
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
          assert.match(request.toolName, tool.shownAs);
          assert.match(request.input, new RegExp(`touch ${file}`));
          assert.equal(existsSync(path.join(workspace, file)), false, 'nothing ran before the decision');
          if (permission.labels) {
            const label = (d: string): string | undefined => request.choices?.find((c) => c.decision === d)?.label;
            assert.deepEqual({ allow: label('allow'), deny: label('deny') }, permission.labels, 'the agent own labels');
          }

          assert.ok(manager.respond(session.id, request.requestId, decision));
          await turn;
          assert.equal(manager.get(session.id)?.state, 'idle');
          const decided = manager.transcript(session.id).find((e) => e.kind === 'permission');
          assert.equal(decided?.kind === 'permission' && decided.decision, decision);
          const call = manager.transcript(session.id).find((e) => e.kind === 'tool');
          assert.ok(
            call?.kind === 'tool' && tool.shownAs.test(call.name) && call.output !== undefined,
            'the tool call and its result are in the transcript',
          );
          if (decision === 'allow') {
            assert.equal(existsSync(path.join(workspace, file)), true, 'the allowed command ran');
            assert.equal(call.isError, false);
          } else {
            assert.equal(existsSync(path.join(workspace, file)), false, 'the denied command did not run');
            // Failed, even where the agent leaves it pending (Gemini CLI 0.61, codex-acp 0.16): Shepherd
            // settles the calls still open when the turn ends.
            assert.equal(call.isError, true, 'the denied call is shown failed');
            assert.notEqual(call.status, 'pending');
          }
          if (decision === 'deny' && permission.deniedResult === undefined) {
            assert.equal(requests().length, 1, 'the denial ended the turn without asking the model again');
            assert.match(transcriptLines(manager, session.id), /notice:Interrupted\./);
            return;
          }
          // The result as the model was told it (whichever request carried it: an agent may ask again).
          const result = requests().flatMap((r) => r.toolResults)[0];
          if (decision === 'deny') {
            assert.match(result?.content ?? '', permission.deniedResult ?? /./);
          }
          if (result?.isError !== undefined) {
            assert.equal(result.isError, decision === 'deny', 'the model was told whether the call failed');
          }
          assert.equal(assistantTexts(manager, session.id).at(-1), `Tool finished (is_error=${result?.isError}).`);
        });
      }
    } else {
      it(`shows a tool call and its result (${adapter.name} runs its tools without asking)`, async () => {
        const { agent, manager } = await start((req) =>
          req.toolResults.length > 0
            ? text('The file is there.')
            : { type: 'tool', name: tool.name, input: tool.input('touch made-by-agent.txt', 'Create a file') },
        );
        const session = await manager.create(agent, workspace);
        await manager.send(session.id, 'make the file', workspace);
        assert.equal(existsSync(path.join(workspace, 'made-by-agent.txt')), true, 'the tool ran in the session folder');
        const call = manager.transcript(session.id).find((e) => e.kind === 'tool');
        assert.ok(call?.kind === 'tool');
        assert.match(call.name, tool.shownAs);
        assert.match(call.input, /touch made-by-agent\.txt/);
        assert.equal(call.isError, false);
        assert.notEqual(call.output, undefined, 'the result was matched to its call');
        assert.equal(assistantTexts(manager, session.id).at(-1), 'The file is there.');
        assert.equal(manager.get(session.id)?.state, 'idle');
        assert.equal(manager.get(session.id)?.usage.inputTokens, 22, 'usage summed over both model calls of the turn');
      });
    }
  });
}
