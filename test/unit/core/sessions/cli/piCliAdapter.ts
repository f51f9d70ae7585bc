import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { PI_MOCK_MODEL, piAgentConfig, resolvePiCli } from '../../../../fixtures/mockLlm/agentEnv';
import {
  OpenAIReply,
  OpenAIRequestInfo,
  openaiTextReply,
  openaiToolCallReply,
  startMockOpenAI,
} from '../../../../fixtures/mockLlm/openaiServer';
import { AgentCliAdapter, ModelReply, ModelRequest } from './agentCliSuite';

/** The mock model's price (see piModelsJson): 11 input tokens at $1/M plus 7 output tokens at $2/M. */
const COST_PER_TURN_USD = (11 * 1 + 7 * 2) / 1_000_000;

function toModelRequest(req: OpenAIRequestInfo): ModelRequest {
  // Chat Completions has no error flag on a tool result.
  return { ...req, toolResults: req.toolResults.map((r) => ({ content: r.content, isError: undefined })) };
}

function toOpenAI(reply: ModelReply): OpenAIReply {
  return reply.type === 'text'
    ? openaiTextReply(reply.text, reply.pacing)
    : openaiToolCallReply(reply.name, reply.input);
}

/**
 * The real pi CLI (`pi --mode rpc`) against a mock OpenAI-compatible API. What the suite pins down
 * was checked against pi 0.73.1.
 */
export const piCli: AgentCliAdapter = {
  name: 'pi CLI',
  mockApi: 'mock OpenAI API',
  // pi is a Node program: each process takes a second or two to start.
  timeoutMs: 40_000,
  requireInstalled: () => void resolvePiCli(),
  async startMock(script) {
    const requests: ModelRequest[] = [];
    const server = await startMockOpenAI((req) => {
      const request = toModelRequest(req);
      requests.push(request);
      return toOpenAI(script(request));
    });
    return { server, requests };
  },
  // No transcript store in the suite: pi's own session file, learnt from the agent, is what resuming relies on.
  agentConfig: (options) => piAgentConfig(options),
  // From the get_state handshake.
  model: PI_MOCK_MODEL,
  usage: { tokens: 'per-turn', cost: { perTurnUsd: COST_PER_TURN_USD } },
  shellTool: { name: 'bash', shownAs: /^bash$/, input: (command) => ({ command }), permission: undefined },
  resume: {
    how: 'from its session file',
    check({ args, root, request }) {
      // The session file pi named in its handshake, under its agent dir (there is no store here).
      const sessionFile = args[args.indexOf('--session') + 1] ?? '';
      assert.ok(
        sessionFile.startsWith(root) && sessionFile.endsWith('.jsonl'),
        `resumed from a session file: ${args.join(' ')}`,
      );
      assert.ok(existsSync(sessionFile));
      // The new process sent the earlier exchange along (the cut-off reply to "second" died with pi).
      assert.deepEqual(request?.userTexts, ['first', 'second', 'third']);
      assert.deepEqual(request?.assistantTexts, ['first answer']);
    },
  },
};
