import { claudeAcpAgentConfig, resolveClaudeAgentAcp } from '../../../../fixtures/mockLlm/acpAgentEnv';
import { startMockAnthropic, textReply } from '../../../../fixtures/mockLlm/anthropicServer';
import { acpResume } from './acpCliResume';
import { AgentCliAdapter, ModelRequest } from './agentCliSuite';
import { claudeCli, toAnthropic, toModelRequest } from './claudeCliAdapter';

/**
 * Claude through its ACP adapter (claude-agent-acp 0.101.0, which runs Claude Code through the Claude
 * Agent SDK) against a mock Anthropic API.
 */
export const claudeAcp: AgentCliAdapter = {
  name: 'claude-agent-acp',
  mockApi: 'mock Anthropic API',
  // Claude Code starts inside the adapter: a resume (a second process, session/load) takes over 30 s here.
  timeoutMs: 90_000,
  requireInstalled: () => void resolveClaudeAgentAcp(),
  async startMock(script) {
    const requests: ModelRequest[] = [];
    const server = await startMockAnthropic((req) => {
      // Side queries without tools (the session's title, asked on its second turn) get a short answer that
      // costs nothing, so each turn costs what its main-loop call does.
      if (!req.hasTools) {
        return textReply('ok', { deltas: 1, delayMs: 0, usage: { input_tokens: 0, output_tokens: 0 } });
      }
      const request = toModelRequest(req);
      requests.push(request);
      return toAnthropic(script(request));
    });
    return { server, requests };
  },
  agentConfig: (options) => claudeAcpAgentConfig(options),
  model: 'Claude Agent',
  usage: { tokens: 'per-turn', cost: 'priced-by-agent' },
  shellTool: {
    ...claudeCli.shellTool,
    shownAs: /touch/,
    permission: {
      deniedResult: /User refused permission to run tool/,
      labels: { allow: 'Yes', deny: 'No' },
    },
  },
  resume: acpResume,
};
