import { geminiAgentConfig, resolveGeminiCli } from '../../../../fixtures/mockLlm/acpAgentEnv';
import { JsonObject } from '../../../../fixtures/mockLlm/common';
import {
  GeminiReply,
  GeminiRequestInfo,
  geminiTextReply,
  geminiToolCallReply,
  startMockGemini,
} from '../../../../fixtures/mockLlm/geminiServer';
import * as assert from 'node:assert/strict';
import { acpResume } from './acpCliResume';
import { AgentCliAdapter, ModelReply, ModelRequest } from './agentCliSuite';

function toModelRequest(req: GeminiRequestInfo): ModelRequest {
  // A functionResponse has no error flag: a failure is in its response object.
  const toolResults = req.toolResults.map((r: JsonObject) => ({ content: JSON.stringify(r), isError: undefined }));
  return { ...req, toolResults };
}

function toGemini(reply: ModelReply): GeminiReply {
  return reply.type === 'text'
    ? geminiTextReply(reply.text, reply.pacing)
    : geminiToolCallReply(reply.name, reply.input);
}

/** Gemini CLI in ACP mode (`gemini --acp`) against a mock Gemini API; checked against Gemini CLI 0.61.0. */
export const geminiCli: AgentCliAdapter = {
  name: 'Gemini CLI (gemini --acp)',
  mockApi: 'mock Gemini API',
  // A Node program with a large bundle: each process takes seconds to start on a loaded machine.
  timeoutMs: 60_000,
  requireInstalled: () => void resolveGeminiCli(),
  async startMock(script) {
    const requests: ModelRequest[] = [];
    const server = await startMockGemini((req) => {
      const request = toModelRequest(req);
      requests.push(request);
      return toGemini(script(request));
    });
    return { server, requests };
  },
  agentConfig: (options) => geminiAgentConfig(options),
  model: 'Gemini CLI',
  usage: { tokens: 'per-turn', cost: 'none' },
  shellTool: {
    name: 'run_shell_command',
    shownAs: /touch/,
    input: (command, description) => ({ command, description }),
    permission: {
      deniedResult: /was canceled by the user/,
      labels: { allow: 'Allow', deny: 'Reject' },
    },
  },
  resume: {
    how: 'through session/load, or says it could not',
    check(resumed) {
      // Gemini CLI 0.61's session/load in a new process races with itself: it starts recording the loaded
      // session afresh (rewriting its chat file to the context alone) before it reads it, then mostly fails
      // with "Internal error" (details: "No previous sessions found for this project"). Then the user is
      // told, and the new session's first prompt carries the earlier exchange over.
      if (/could not reload the conversation/.test(resumed.transcript)) {
        assert.match(
          resumed.transcript,
          /notice:The agent could not reload the conversation \(Internal error\); starting a new one\. Your message gives the new one the last \d+ messages/,
        );
        const userTexts = resumed.request?.userTexts ?? [];
        assert.equal(userTexts.length, 1, 'a new conversation, as the notice says');
        assert.match(userTexts[0], /third$/);
        assert.match(JSON.stringify(resumed.request?.messages), /User: first\\n\\nAssistant: first answer/);
      } else {
        acpResume.check(resumed);
      }
    },
  },
};
