import * as l10n from '@vscode/l10n';
import { ClientConnection, PROTOCOL_VERSION, RequestError, type InitializeResponse } from '@agentclientprotocol/sdk';
import { describeError } from '../../base/logger';
import { SessionModes } from '../../../shared/sessionModel';
import { AgentStartError } from '../agentConnection';
import { AcpSignIn, signInMethods, signInRequired } from './acpSignIn';
import { sessionModes } from './acpUpdates';

/** What opening a session needs from its connection. */
export interface HandshakeContext {
  readonly agentLabel: string;
  readonly cwd: string;
  readonly signIn: AcpSignIn | undefined;
  /** Hides the agent's secrets in text that may reach the user. */
  masked(text: string): string;
  /** Why the conversation was not reloaded: said to the user with the first turn. */
  notice(text: string): void;
  /**
   * On when `session/load` is sent: its updates replay the conversation, already in the transcript. Off
   * again only if the load fails; after a load the connection ends the replay before the first prompt,
   * since an agent may go on replaying after its answer (see acpReplay.ts).
   */
  setReplaying(replaying: boolean): void;
  /**
   * The session is open: called at once when the agent answers, since the agent may send the session's
   * first updates right behind its answer.
   */
  opened(sessionId: string, modes: SessionModes | undefined): void;
}

function describeVersionMismatch(response: InitializeResponse): string {
  const mismatch = l10n.t(
    'the agent speaks ACP version {0}, and Shepherd speaks version {1}.',
    String(response.protocolVersion),
    PROTOCOL_VERSION,
  );
  return `${mismatch} ${l10n.t('Update the agent (or Shepherd) so both speak the same version.')}`;
}

/**
 * `initialize` (refusing another protocol version), `authenticate` with the user's sign-in when the agent
 * offers its method, then `session/load` of `resumeId` where the agent can, else `session/new`.
 * Resolves with the agent's name for its model.
 */
export async function openAcpSession(
  rpc: ClientConnection,
  context: HandshakeContext,
  resumeId: string | undefined,
): Promise<string | undefined> {
  const init = await rpc.agent.request('initialize', {
    protocolVersion: PROTOCOL_VERSION,
    clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: true },
    clientInfo: { name: 'shepherd', title: 'Shepherd', version: '0.1.0' },
  });
  if (init.protocolVersion !== PROTOCOL_VERSION) {
    throw new AgentStartError(describeVersionMismatch(init));
  }
  const model = init.agentInfo?.title ?? init.agentInfo?.name ?? undefined;
  const methods = signInMethods(init.authMethods ?? []);
  const signIn = context.signIn;
  if (signIn && methods.some((method) => method.id === signIn.methodId)) {
    try {
      await rpc.agent.request('authenticate', { methodId: signIn.methodId });
    } catch (error) {
      const reason = l10n.t('signing in failed ({0})', context.masked(describeError(error)));
      throw signInRequired(context.agentLabel, methods, reason);
    }
  }
  try {
    await openSession(rpc, context, resumeId, init.agentCapabilities?.loadSession === true);
    return model;
  } catch (error) {
    // ACP's "auth required" error: the agent will not open a session before the user signs in.
    if (error instanceof RequestError && error.code === -32000 && methods.length > 0) {
      throw signInRequired(context.agentLabel, methods, '');
    }
    throw new AgentStartError(l10n.t('the agent could not open a session: {0}', context.masked(describeError(error))));
  }
}

async function openSession(
  rpc: ClientConnection,
  context: HandshakeContext,
  resumeId: string | undefined,
  canLoad: boolean,
): Promise<void> {
  if (resumeId !== undefined && canLoad) {
    context.setReplaying(true);
    try {
      const loaded = await rpc.agent.request('session/load', { sessionId: resumeId, cwd: context.cwd, mcpServers: [] });
      context.opened(resumeId, loaded.modes ? sessionModes(loaded.modes) : undefined);
      return;
    } catch (error) {
      context.setReplaying(false);
      context.notice(
        l10n.t('The agent could not reload the conversation ({0}); starting a new one.', describeError(error)),
      );
    }
  } else if (resumeId !== undefined) {
    context.notice(l10n.t('This agent cannot reload a conversation: it starts a new one.'));
  }
  const created = await rpc.agent.request('session/new', { cwd: context.cwd, mcpServers: [] });
  context.opened(created.sessionId, created.modes ? sessionModes(created.modes) : undefined);
}
