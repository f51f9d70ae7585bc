import { codexAgentConfig, resolveCodexAcp } from '../../../../fixtures/mockLlm/acpAgentEnv';
import { ResponsesReply, startMockResponses } from '../../../../fixtures/mockLlm/responsesServer';
import { acpResume } from './acpCliResume';
import { AgentCliAdapter, ModelReply, ModelRequest } from './agentCliSuite';

function toResponses(reply: ModelReply): ResponsesReply {
  return reply.type === 'text'
    ? { type: 'text', text: reply.text, ...reply.pacing }
    : { type: 'function_call', name: reply.name, args: reply.input };
}

/** codex-acp (Codex through its ACP adapter) against a mock OpenAI Responses API; checked against 0.16.0. */
export const codexAcp: AgentCliAdapter = {
  name: 'codex-acp',
  mockApi: 'mock Responses API',
  timeoutMs: 60_000,
  requireInstalled: () => void resolveCodexAcp(),
  async startMock(script) {
    const requests: ModelRequest[] = [];
    const server = await startMockResponses((req) => {
      const request = {
        ...req,
        // Codex sends its environment context as a user message of its own: not the user's words.
        userTexts: req.userTexts.filter((t) => !t.startsWith('<environment_context>')),
        // A function_call_output has no error flag: the exit code is in its text.
        toolResults: req.toolResults.map((content) => ({ content, isError: undefined })),
      };
      requests.push(request);
      return toResponses(script(request));
    });
    return { server, requests };
  },
  agentConfig: (options) => codexAgentConfig(options),
  model: 'Codex',
  // codex-acp reports usage as usage_update (the context meter), not as per-turn token counts.
  usage: { tokens: 'context-only', cost: 'none' },
  shellTool: {
    name: 'exec_command',
    shownAs: /touch/,
    input: (command) => ({ cmd: command }),
    permission: {
      deniedResult: undefined,
      labels: { allow: 'Yes, proceed', deny: 'No, and tell Codex what to do differently' },
    },
  },
  resume: acpResume,
};
