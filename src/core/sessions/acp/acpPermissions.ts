import * as l10n from '@vscode/l10n';
import type { PermissionOption, RequestPermissionRequest, RequestPermissionResponse } from '@agentclientprotocol/sdk';
import { PermissionDecision } from '../../../shared/sessionModel';
import { AgentEvent } from '../protocols/agentEvents';
import { optionFor, permissionChoices, toolCallChange } from './acpUpdates';

interface PendingAcpPermission {
  readonly options: readonly PermissionOption[];
  readonly answer: (response: RequestPermissionResponse) => void;
}

const CANCELLED: RequestPermissionResponse = { outcome: { outcome: 'cancelled' } };

/**
 * The agent's `session/request_permission` requests waiting for the user: each is shown through the
 * panel (as a tool call and a question) and answered with the option of the agent's that carries the
 * user's decision, or cancelled when the agent withdraws it, the turn is interrupted or the session ends.
 */
export class AcpPermissions {
  private readonly pending = new Map<string, PendingAcpPermission>();
  private next = 1;

  constructor(private readonly show: (event: AgentEvent) => void) {}

  get isEmpty(): boolean {
    return this.pending.size === 0;
  }

  /** Shows the request and resolves with the user's answer (or cancelled when `signal` aborts). */
  ask(request: RequestPermissionRequest, signal: AbortSignal): Promise<RequestPermissionResponse> {
    const requestId = `acp-permission-${this.next++}`;
    const tool = toolCallChange(request.toolCall);
    return new Promise((resolve) => {
      const answer = (response: RequestPermissionResponse): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(response);
      };
      const onAbort = (): void => {
        this.pending.delete(requestId);
        answer(CANCELLED);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(requestId, { options: request.options, answer });
      this.show({ type: 'tool-call', call: tool });
      this.show({
        type: 'permission-request',
        requestId,
        toolName: tool.title ?? l10n.t('a tool'),
        input: request.toolCall.rawInput ?? tool.title ?? '',
        description: undefined,
        choices: permissionChoices(request.options),
      });
    });
  }

  /** Answers a pending request with the user's decision; false when no request has that id. */
  respond(requestId: string, decision: PermissionDecision): boolean {
    const pending = this.pending.get(requestId);
    if (!pending) {
      return false;
    }
    const option = optionFor(pending.options, decision);
    this.pending.delete(requestId);
    pending.answer(option ? { outcome: { outcome: 'selected', optionId: option.optionId } } : CANCELLED);
    return true;
  }

  cancelAll(): void {
    for (const pending of this.pending.values()) {
      pending.answer(CANCELLED);
    }
    this.pending.clear();
  }
}
