import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { Logger } from '../../core/base/logger';
import { AcpSignIn, AcpSignInMethod, AcpSignIns } from '../../core/sessions/acp/acpSignIn';
import { SessionManager } from '../../core/sessions/sessionManager';
import { SignInEvent } from '../../core/sessions/sessionEvents';
import { isObject, isStringRecord, stringField } from '../../shared/untrusted';
import { Notifier } from '../common/notifier';

/** One SecretStorage entry per agent: settings sync and show in plain text, so keys never go there. */
const keyOf = (agentId: string): string => `shepherd.agentSignIn.${agentId}`;

/** The user's sign-ins to ACP agents, in SecretStorage. */
export class AgentSignIns implements AcpSignIns {
  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly logger: Logger,
  ) {}

  async get(agentId: string): Promise<AcpSignIn | undefined> {
    const stored = await this.storage.get(keyOf(agentId));
    if (stored === undefined) {
      return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(stored);
    } catch (error) {
      this.logger.warn(`the sign-in kept for agent "${agentId}" is not JSON (${String(error)}); ignoring it`);
      return undefined;
    }
    const methodId = isObject(value) ? stringField(value, 'methodId') : undefined;
    const env = isObject(value) ? value.env : undefined;
    if (methodId === undefined || !isStringRecord(env)) {
      this.logger.warn(`the sign-in kept for agent "${agentId}" needs a methodId and an env of strings; ignoring it`);
      return undefined;
    }
    return { methodId, env };
  }

  async store(agentId: string, signIn: AcpSignIn): Promise<void> {
    await this.storage.store(keyOf(agentId), JSON.stringify(signIn));
  }
}

export interface SignInDeps {
  readonly sessions: SessionManager;
  readonly signIns: AgentSignIns;
  readonly notifier: Notifier;
}

async function pickMethod(label: string, methods: readonly AcpSignInMethod[]): Promise<AcpSignInMethod | undefined> {
  const picked = await vscode.window.showQuickPick(
    methods.map((method) => ({
      label: method.name,
      description: method.apiKeyVar ? vscode.l10n.t('an API key ({0})', method.apiKeyVar) : undefined,
      detail: method.description,
      method,
    })),
    {
      title: vscode.l10n.t('Sign in to {0}', label),
      placeHolder: vscode.l10n.t('How should the agent sign in?'),
      ignoreFocusOut: true,
    },
  );
  return picked?.method;
}

async function askKey(label: string, variable: string): Promise<string | undefined> {
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('Sign in to {0}', label),
    prompt: vscode.l10n.t(
      "{0} for {1}. It is kept in VS Code's secret storage and given to the agent in its env only.",
      variable,
      label,
    ),
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) =>
      text.trim() === '' ? vscode.l10n.t('Type the key, or press Escape to cancel.') : undefined,
  });
  return key?.trim();
}

/**
 * Offers the agent's sign-in methods when it asks for one; a key is kept in SecretStorage for the
 * agent's next start. Other methods are the agent's own to carry out (a browser login).
 */
async function signIn(deps: SignInDeps, { session, methods }: SignInEvent): Promise<void> {
  const method = await pickMethod(session.agentLabel, methods);
  if (!method) {
    return;
  }
  let env: Record<string, string> = {};
  if (method.apiKeyVar) {
    const key = await askKey(session.agentLabel, method.apiKeyVar);
    if (!key) {
      return;
    }
    env = { [method.apiKeyVar]: key };
  }
  await deps.signIns.store(session.agentId, { methodId: method.id, env });
  // The next message starts the agent, which then signs in; if that fails, it asks again.
  deps.notifier.info(
    vscode.l10n.t('{0} will sign in with "{1}": send your message again.', session.agentLabel, method.name),
  );
}

export function registerAgentSignIn(deps: SignInDeps, store: DisposableStore): void {
  store.add(
    deps.sessions.onDidNeedSignIn((event) =>
      deps.notifier.warn(vscode.l10n.t('{0} asks you to sign in.', event.session.agentLabel), {
        title: vscode.l10n.t('Sign In…'),
        run: () => signIn(deps, event),
      }),
    ),
  );
}
