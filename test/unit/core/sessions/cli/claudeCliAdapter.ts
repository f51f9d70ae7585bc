import * as assert from 'node:assert/strict';
import { claudeAgentConfig, requireWorkingClaude } from '../../../../fixtures/mockLlm/agentEnv';
import {
  AnthropicReply,
  AnthropicRequestInfo,
  startMockAnthropic,
  textReply,
  toolUseReply,
} from '../../../../fixtures/mockLlm/anthropicServer';
import { AgentCliAdapter, ModelReply, ModelRequest } from './agentCliSuite';

export function toModelRequest(req: AnthropicRequestInfo): ModelRequest {
  return { ...req, toolResults: req.toolResults.map((r) => ({ content: r.content, isError: r.is_error })) };
}

export function toAnthropic(reply: ModelReply): AnthropicReply {
  return reply.type === 'text' ? textReply(reply.text, reply.pacing) : toolUseReply(reply.name, reply.input);
}

/**
 * The real Claude Code binary against a mock Anthropic API. What the suite pins down was checked
 * against Claude Code 2.1.197.
 */
export const claudeCli: AgentCliAdapter = {
  name: 'Claude Code CLI',
  mockApi: 'mock Anthropic API',
  timeoutMs: 30_000,
  requireInstalled: () => void requireWorkingClaude(),
  async startMock(script) {
    const requests: ModelRequest[] = [];
    const server = await startMockAnthropic((req) => {
      // Side queries without tools (if the CLI makes any) get a short answer, as every mock script gives them.
      if (!req.hasTools) {
        return textReply('ok', { deltas: 1, delayMs: 0 });
      }
      const request = toModelRequest(req);
      requests.push(request);
      return toAnthropic(script(request));
    });
    return { server, requests };
  },
  agentConfig: (options) => claudeAgentConfig(options),
  // Pinned by claudeAgentConfig, so the CLI prices the turn from a known table.
  model: 'claude-sonnet-4-5',
  usage: { tokens: 'per-turn', cost: 'priced-by-agent' },
  shellTool: {
    name: 'Bash',
    shownAs: /^Bash$/,
    input: (command, description) => ({ command, description }),
    permission: { deniedResult: /denied this tool in Shepherd/ },
  },
  resume: {
    how: 'by its session id',
    check({ args, request }) {
      assert.match(
        args[args.indexOf('--resume') + 1] ?? '',
        /^[0-9a-f-]{36}$/,
        `resumed by session id: ${args.join(' ')}`,
      );
      // The new process sent the earlier exchange along: the conversation continued. The cut-off reply to
      // "second" is lost with the process, and "second" itself only if the CLI had not yet saved it when it
      // was killed (its session file is written asynchronously; under load, seen both ways). When it had
      // saved the interrupted turn, Claude Code adds "Continue from where you left off." of its own, seen in
      // CI joined to "first".
      const userTexts = (request?.userTexts ?? [])
        .map((t) => t.replace(/(^|\n\n)Continue from where you left off\.$/, ''))
        .filter((t) => t !== 'second' && t !== '');
      assert.deepEqual(userTexts, ['first', 'third']);
      assert.equal(request?.assistantTexts[0], 'first answer');
    },
  },
};
