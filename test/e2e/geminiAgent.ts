// The real Gemini CLI (`gemini --acp`) as the e2e workbench's user configures it, against the mock Gemini API
// that the e2e runner starts on 127.0.0.1 and stops after the workbench is gone.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { geminiEnv, resolveGeminiCli } from '../fixtures/mockLlm/acpAgentEnv';
import { shadowInheritedProviderEnv } from '../fixtures/mockLlm/agentEnv';
import {
  type GeminiReply,
  type GeminiRequestInfo,
  type MockServerHandle,
  geminiTextReply,
  geminiToolCallReply,
  startMockGemini,
} from '../fixtures/mockLlm/geminiServer';

export const GEMINI_LABEL = 'Gemini CLI (mock API)';
/** The file Gemini's write_file tool rewrites in the demo workspace; the spec creates and removes it. */
export const GEMINI_E2E_FILE = 'gemini-e2e-notes.txt';
/** A user message that makes the mock call write_file; any other gets `greeting(message)`. */
export const GEMINI_EDIT_PROMPT = 'edit the notes';
export const GEMINI_EDITED_TEXT = 'edited by gemini';
export const GEMINI_EDIT_DONE = 'The notes are edited.';

export function greeting(message: string): string {
  return `Hello from the mock Gemini, you said: ${message}`;
}

/** The mock Gemini API of one e2e run and the agent setting that points at it. */
export interface GeminiE2E {
  readonly mock: MockServerHandle;
  readonly setting: Record<string, unknown>;
}

function script(workspaceFolder: string): (req: GeminiRequestInfo) => GeminiReply {
  return (req) => {
    if (req.toolResults.length > 0) {
      return geminiTextReply(GEMINI_EDIT_DONE);
    }
    if (req.lastUserText.includes(GEMINI_EDIT_PROMPT)) {
      return geminiToolCallReply('write_file', {
        file_path: path.join(workspaceFolder, GEMINI_E2E_FILE),
        content: `${GEMINI_EDITED_TEXT}\n`,
      });
    }
    // Paced, half a second between chunks, so the panel shows the reply growing, as a real model's does.
    return geminiTextReply(greeting(req.lastUserText), { deltas: 6, delayMs: 500 });
  };
}

/**
 * Starts the mock and prepares Gemini's HOME under `root`. No key goes in the setting: Gemini's own settings say
 * the user signs in with a Gemini API key (as after choosing "Gemini API key" in Gemini CLI), so without one
 * `session/new` refuses, and the user types the key into Shepherd's sign-in prompt, which keeps it in
 * SecretStorage. (Without that choice, Gemini CLI 0.61 treats GOOGLE_GEMINI_BASE_URL as an "AI API Gateway"
 * and sends an empty key, never asking the user to sign in.)
 */
export async function startGeminiE2E(root: string, workspaceFolder: string): Promise<GeminiE2E> {
  const home = path.join(root, 'gemini-home');
  fs.mkdirSync(path.join(home, '.gemini'), { recursive: true });
  fs.writeFileSync(
    path.join(home, '.gemini', 'settings.json'),
    JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }),
  );
  const mock = await startMockGemini(script(workspaceFolder));
  return {
    mock,
    setting: {
      id: 'gemini-e2e',
      label: GEMINI_LABEL,
      kind: 'acp',
      command: process.execPath,
      args: [resolveGeminiCli(), '--acp'],
      // No key (empty is unset to Gemini), nor one inherited from the runner's environment: the user signs in.
      env: shadowInheritedProviderEnv({ ...geminiEnv(home, mock.url), GEMINI_API_KEY: '' }),
    },
  };
}
