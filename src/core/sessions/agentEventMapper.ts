import * as l10n from '@vscode/l10n';
import { applyAcpEvent } from './acp/acpSessionEvents';
import { AgentEvent } from './protocols/agentEvents';
import { MAX_PROTOCOL_NOTICES_PER_TURN, Session } from './session';

/** What the mapper reports beyond the transcript, which it writes itself. */
export interface AgentEventSignals {
  /** The session's view changed: its state, model or resume id. */
  changed(session: Session): void;
  /** The agent asked a question only the user can answer. */
  waitingForInput(session: Session): void;
}

/**
 * Applies one event from a session's agent to the session: its transcript, usage, resume id and
 * stall flag. Anything the agent does counts as activity and ends a stall.
 */
export function applyAgentEvent(session: Session, event: AgentEvent, signals: AgentEventSignals): void {
  session.touch();
  if (session.stalled) {
    session.stalled = false;
    signals.changed(session);
  }
  const transcript = session.transcript;
  switch (event.type) {
    case 'ready':
      session.resumeId = event.resumeId ?? session.resumeId;
      signals.changed(session);
      return;
    case 'text-delta':
    case 'assistant-text':
      transcript.addAssistantText(event.text);
      return;
    case 'tool-use':
      transcript.addToolUse(event.toolUseId, event.name, event.input);
      return;
    case 'tool-result':
      transcript.addToolResult(event.toolUseId, event.output, event.isError);
      return;
    case 'permission-request':
      applyPermissionRequest(session, event, signals);
      return;
    case 'turn-end':
      applyTurnEnd(session, event);
      return;
    case 'thought-delta':
    case 'tool-call':
    case 'plan':
    case 'context':
    case 'commands':
    case 'modes':
    case 'notice':
      if (applyAcpEvent(transcript, event)) {
        signals.changed(session);
      }
      return;
    case 'protocol-error':
      if (++session.protocolNotices <= MAX_PROTOCOL_NOTICES_PER_TURN) {
        transcript.addNotice(l10n.t('Ignored a line from the agent: {0}.', event.reason));
      }
      return;
  }
}

/** Asks the user, unless they already allowed this tool for the rest of the session. */
function applyPermissionRequest(
  session: Session,
  event: Extract<AgentEvent, { type: 'permission-request' }>,
  signals: AgentEventSignals,
): void {
  session.transcript.addPermission(event.requestId, event.toolName, event.input, event.description, event.choices);
  if (session.allowedTools.has(event.toolName)) {
    session.respond(event.requestId, 'allow', event.toolName);
    return;
  }
  signals.changed(session);
  signals.waitingForInput(session);
}

function applyTurnEnd(session: Session, event: Extract<AgentEvent, { type: 'turn-end' }>): void {
  session.addUsage(event.usage?.inputTokens ?? 0, event.usage?.outputTokens ?? 0, event.costUsd ?? 0);
  session.transcript.settleToolCalls();
  if (event.outcome === 'interrupted') {
    session.transcript.addNotice(l10n.t('Interrupted.'));
  } else if (event.outcome === 'error') {
    session.transcript.addError(event.message ?? l10n.t('The agent reported an error.'));
  }
  if (event.stopNotice) {
    session.transcript.addNotice(event.stopNotice);
  }
}
