import { geminiAgentConfig, resolveGeminiCli } from '../../../../fixtures/mockLlm/agentEnv';
import {
  geminiTextReply,
  geminiToolCallReply,
  MOCK_GEMINI_USAGE,
  startMockGemini,
} from '../../../../fixtures/mockLlm/geminiServer';
import { AcpCliAdapter, describeAcpCli } from '../../../../helpers/acpCliSuite';

/** Gemini CLI 0.61 in ACP mode (`gemini --acp`) against a mock Gemini API. */
const gemini: AcpCliAdapter = {
  name: 'Gemini CLI (gemini --acp)',
  check: () => void resolveGeminiCli(),
  startMock: (reply) =>
    startMockGemini((req) => {
      const result = req.toolResults[req.toolResults.length - 1];
      const answer = reply({
        lastUserText: req.lastUserText,
        toolResult: result === undefined ? undefined : JSON.stringify(result),
      });
      // A hang is never answered: the CLI waits until it is interrupted or killed.
      return answer.kind === 'text'
        ? geminiTextReply(answer.text, answer)
        : answer.kind === 'tool'
          ? geminiToolCallReply(answer.name, answer.args)
          : { type: 'hang' };
    }),
  writeTool: (file, content) => ({ name: 'write_file', args: { file_path: file, content } }),
  loadsSessions: true,
  agent: (baseUrl, root) => geminiAgentConfig({ baseUrl, root }),
  tokensPerTurn: {
    inputTokens: MOCK_GEMINI_USAGE.promptTokenCount,
    outputTokens: MOCK_GEMINI_USAGE.candidatesTokenCount,
  },
};

describeAcpCli(gemini);
