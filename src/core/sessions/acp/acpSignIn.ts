import * as l10n from '@vscode/l10n';
import type { AuthMethod } from '@agentclientprotocol/sdk';
import { AgentStartError } from '../agentConnection';

/** A way an ACP agent offers to sign in (`initialize`'s `authMethods`), as the editor offers it. */
export interface AcpSignInMethod {
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
  /** The env variable the agent reads its API key from, when this method takes a key. */
  readonly apiKeyVar: string | undefined;
}

/**
 * How the user signed in to an agent: the method to `authenticate` with and, for a key, the env that
 * carries it. Kept in the editor's SecretStorage, handed to the agent's process env and nowhere else.
 */
export interface AcpSignIn {
  readonly methodId: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Where sign-ins are kept: SecretStorage in the editor, nothing in plain Node. */
export interface AcpSignIns {
  get(agentId: string): Promise<AcpSignIn | undefined>;
}

/** The agent refused to open a session until the user signs in; the UI offers `methods`. */
export class AgentSignInRequiredError extends AgentStartError {
  constructor(
    message: string,
    readonly methods: readonly AcpSignInMethod[],
  ) {
    super(message);
    this.name = 'AgentSignInRequiredError';
  }
}

/** ACP has no standard field for a method's key variable (yet); these are the known agents' methods. */
const KEY_VARS: Readonly<Record<string, string>> = {
  'gemini-api-key': 'GEMINI_API_KEY',
  'openai-api-key': 'OPENAI_API_KEY',
  'codex-api-key': 'CODEX_API_KEY',
  'anthropic-api-key': 'ANTHROPIC_API_KEY',
};
/** Other agents often name the variable in the method's name or description ("Use OPENAI_API_KEY"). */
const NAMED_KEY_VAR = /\b([A-Z][A-Z0-9_]*_API_KEY)\b/;

export function signInMethods(methods: readonly AuthMethod[]): AcpSignInMethod[] {
  return methods.map((method) => {
    const description = method.description ?? undefined;
    const named = NAMED_KEY_VAR.exec(`${method.name} ${description ?? ''}`)?.[1];
    return { id: method.id, name: method.name, description, apiKeyVar: KEY_VARS[method.id] ?? named };
  });
}

/** The error for an agent that wants a sign-in, naming its methods. */
export function signInRequired(
  label: string,
  methods: readonly AcpSignInMethod[],
  why: string,
): AgentSignInRequiredError {
  const names = methods.map((method) => method.name).join(', ');
  const asks = why
    ? l10n.t('{0} asks you to sign in ({1}): {2}.', label, names, why)
    : l10n.t('{0} asks you to sign in ({1}).', label, names);
  const how = l10n.t('Choose how in the notification.');
  const key = l10n.t(
    "A key you type is kept in VS Code's secret storage and given to the agent in its environment only.",
  );
  return new AgentSignInRequiredError(`${asks} ${how} ${key}`, methods);
}
