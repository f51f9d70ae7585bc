import { geminiAgentConfig, resolveGeminiCli } from '../../../../fixtures/mockLlm/agentEnv';
import { geminiTextReply, MOCK_GEMINI_USAGE, startMockGemini } from '../../../../fixtures/mockLlm/geminiServer';
import { AcpCliAdapter, describeAcpCli } from '../../../../helpers/acpCliSuite';

/** Gemini CLI 0.61 in ACP mode (`gemini --acp`) against a mock Gemini API. */
const gemini: AcpCliAdapter = {
  name: 'Gemini CLI (gemini --acp)',
  check: () => void resolveGeminiCli(),
  startMock: (reply) =>
    startMockGemini((req) => {
      const answer = reply(req.lastUserText);
      // A hang is never answered: the CLI waits until it is interrupted or killed.
      return answer.kind === 'text' ? geminiTextReply(answer.text, answer) : { type: 'hang' };
    }),
  loadsSessions: true,
  agent: (baseUrl, root) => geminiAgentConfig({ baseUrl, root }),
  tokensPerTurn: {
    inputTokens: MOCK_GEMINI_USAGE.promptTokenCount,
    outputTokens: MOCK_GEMINI_USAGE.candidatesTokenCount,
  },
};

describeAcpCli(gemini);
