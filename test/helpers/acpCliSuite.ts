import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AgentConfig } from '../../src/core/sessions/agentConfig';
import { SessionManager } from '../../src/core/sessions/sessionManager';
import type { JsonObject, MockServerHandle } from '../fixtures/mockLlm/common';
import { assistantTexts, recordAssistantDeltas, recordStates, transcriptLines, useCliSessions } from './agentSessions';
import { waitFor } from './processes';

/** What the mock model answers to one main-loop request, whatever its API. */
export type MockModelReply =
  | { readonly kind: 'text'; readonly text: string; readonly deltas?: number; readonly delayMs?: number }
  | { readonly kind: 'hang' }
  /** A call of one of the agent's own tools, named and with arguments as its model API says them. */
  | { readonly kind: 'tool'; readonly name: string; readonly args: JsonObject };

/** What the agent sent the model: the user's latest text and, after a tool ran, its result as JSON. */
export interface MockModelRequest {
  readonly lastUserText: string;
  readonly toolResult: string | undefined;
}

/** How one real ACP agent CLI is run against its mock API: what the shared scenarios need to know. */
export interface AcpCliAdapter {
  readonly name: string;
  /** Throws, with the reason, when the CLI is not installed or does not run. */
  check(): void;
  /** Starts the agent's mock API; `reply` answers by the user's latest text (and a tool's result). */
  startMock(reply: (request: MockModelRequest) => MockModelReply): Promise<MockServerHandle>;
  agent(baseUrl: string, root: string): AgentConfig;
  /** Tokens one mock reply reports, as the agent passes them on (undefined: the agent reports none per turn). */
  readonly tokensPerTurn: { readonly inputTokens: number; readonly outputTokens: number } | undefined;
  /** Whether the agent advertises `loadSession`, so a new process continues the conversation. */
  readonly loadsSessions: boolean;
  /**
   * The agent's file-writing tool, which asks permission before it runs (ACP `request_permission`):
   * the call that writes `content` to `file`.
   */
  writeTool(file: string, content: string): { name: string; args: JsonObject };
}

/** Two hundred words, one per delta 30 ms apart: six seconds of reply, to be cut in the middle. */
const LONG_REPLY = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
const FIRST_WORDS_MS = 30_000;

/** The scenarios every real ACP agent goes through (two turns, interrupt, SIGKILL and resume, tokens). */
export function describeAcpCli(adapter: AcpCliAdapter): void {
  describe(`${adapter.name} through SessionManager (ACP, mock API)`, function () {
    this.timeout(90_000);
    before(function () {
      adapter.check();
    });
    const cli = useCliSessions();

    async function start(
      reply: (text: string, toolResult: string | undefined) => MockModelReply,
    ): Promise<{ agent: AgentConfig; manager: SessionManager; workspace: string }> {
      const mock = await adapter.startMock((request) => reply(request.lastUserText, request.toolResult));
      const opened = await cli.open(mock);
      return { agent: adapter.agent(mock.url, cli.h.tempDir), ...opened };
    }

    it('holds a two-turn conversation: ordered deltas, idle after each turn, tokens from usage', async () => {
      const { agent, manager, workspace } = await start((text) => ({
        kind: 'text',
        text: `You said: ${text}`,
        deltas: 5,
      }));
      const session = await manager.create(agent, workspace);
      const deltas = recordAssistantDeltas(manager, session.id);
      const states = recordStates(manager, session.id);
      await manager.send(session.id, 'hello', workspace);
      await manager.send(session.id, 'again', workspace);
      assert.deepEqual(assistantTexts(manager, session.id), ['You said: hello', 'You said: again']);
      assert.deepEqual(
        [...deltas.pieces.values()].map((pieces) => pieces.join('')),
        ['You said: hello', 'You said: again'],
      );
      assert.ok(
        [...deltas.pieces.values()].every((pieces) => pieces.length > 1),
        'streamed in pieces',
      );
      assert.deepEqual(states.states.slice(states.states.indexOf('busy')), ['busy', 'idle', 'busy', 'idle']);
      assert.doesNotMatch(transcriptLines(manager, session.id), /^(notice|error):/m);
      const view = manager.get(session.id);
      if (adapter.tokensPerTurn) {
        assert.ok((view?.usage.inputTokens ?? 0) >= 2 * adapter.tokensPerTurn.inputTokens, JSON.stringify(view?.usage));
        assert.ok(
          (view?.usage.outputTokens ?? 0) >= 2 * adapter.tokensPerTurn.outputTokens,
          JSON.stringify(view?.usage),
        );
      } else {
        assert.ok(view?.context && view.context.usedTokens > 0, `context usage: ${JSON.stringify(view?.context)}`);
      }
      deltas.dispose();
      states.dispose();
    });

    it('interrupts a reply mid-stream with session/cancel: interrupted, idle, and the session goes on', async () => {
      const { agent, manager, workspace } = await start((text) =>
        text.includes('story')
          ? { kind: 'text', text: LONG_REPLY, deltas: 200, delayMs: 30 }
          : { kind: 'text', text: 'after the interrupt' },
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
      assert.ok(!assistantTexts(manager, session.id).join('').includes('w199'), 'the reply was cut short');
      assert.equal(manager.get(session.id)?.state, 'idle');
      await manager.send(session.id, 'go on', workspace);
      assert.equal(assistantTexts(manager, session.id).at(-1), 'after the interrupt');
    });

    it('asks permission for a file write with the agent own options: allow writes it, deny does not', async () => {
      let file = '';
      const { agent, manager, workspace } = await start((text, toolResult) =>
        toolResult !== undefined
          ? { kind: 'text', text: `tool result: ${toolResult.slice(0, 300)}` }
          : text.startsWith('write')
            ? { kind: 'tool', ...adapter.writeTool(file, `${text}\n`) }
            : { kind: 'text', text: 'ok' },
      );
      file = path.join(workspace, 'notes.txt');
      await fs.writeFile(file, 'original\n');
      const session = await manager.create(agent, workspace);
      for (const decision of ['deny', 'allow'] as const) {
        const turn = manager.send(session.id, `write ${decision}`, workspace);
        const request = await waitFor(
          'the permission request',
          () => manager.transcript(session.id).find((e) => e.kind === 'permission' && e.decision === undefined),
          FIRST_WORDS_MS,
        );
        assert.equal(manager.get(session.id)?.state, 'waiting-for-input');
        assert.ok(request.kind === 'permission' && (request.choices?.length ?? 0) >= 2, JSON.stringify(request));
        assert.ok(request.kind === 'permission' && manager.respond(session.id, request.requestId, decision));
        await turn;
        assert.equal(manager.get(session.id)?.state, 'idle');
        const content = await fs.readFile(file, 'utf8');
        assert.equal(content, decision === 'allow' ? 'write allow\n' : 'original\n', `after ${decision}`);
      }
      const tools = manager.transcript(session.id).filter((e) => e.kind === 'tool');
      assert.ok(tools.length >= 2, 'both calls are tool entries');
    });

    it('reports an agent killed mid-turn clearly, and the next message resumes', async () => {
      const { agent, manager, workspace } = await start((text) =>
        text === 'second'
          ? { kind: 'text', text: LONG_REPLY, deltas: 200, delayMs: 30 }
          : { kind: 'text', text: `re: ${text}` },
      );
      const session = await manager.create(agent, workspace);
      await manager.send(session.id, 'first', workspace);
      const firstWorker = manager.get(session.id)?.workerId ?? '';
      const pid = cli.h.supervisor.get(firstWorker)?.pid;
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
        /error:The turn failed: the agent process was killed by SIGKILL in the middle of a turn\. Your next message resumes/,
      );
      await manager.send(session.id, 'third', workspace);
      const view = manager.get(session.id);
      assert.equal(view?.state, 'idle');
      assert.notEqual(view?.workerId, firstWorker);
      assert.equal(assistantTexts(manager, session.id).at(-1), 're: third');
      assert.match(transcriptLines(manager, session.id), /notice:Resuming the conversation in a new agent process/);
      const reloaded = !/notice:.*(could not|cannot) reload/.test(transcriptLines(manager, session.id));
      assert.equal(reloaded, adapter.loadsSessions, 'session/load carried the conversation over');
    });
  });
}
