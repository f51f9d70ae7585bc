import * as l10n from '@vscode/l10n';
import { AgentEvent, TokenUsage } from './agentEvents';
import { PermissionDecision } from '../../../shared/sessionModel';
import { AgentProtocol, InterruptAction } from './agentProtocol';
import { isObject, numberField, objectField, stringField, UntrustedObject } from '../../../shared/untrusted';
import { flattenContent } from './claudeProtocol';
import { encodeJsonLine, JsonLineDecoder, stringifyUntrusted } from './jsonLines';

/** The id of Shepherd's own `get_state` request, so its answer is told apart from the user's commands. */
const STATE_REQUEST_ID = 'shepherd-get-state';

/**
 * pi's RPC mode: JSON commands on stdin, JSON events on stdout, `agent_end` ends a run. Usage comes
 * per assistant message and is summed over the run. pi announces nothing at startup, so the
 * handshake asks `get_state` for the session file (what `--session` reopens) and the model.
 */
export class PiProtocol implements AgentProtocol {
  readonly idleGapMs = undefined;
  private readonly lines = new JsonLineDecoder();
  private nextId = 1;
  private usage = { inputTokens: 0, outputTokens: 0, costUsd: 0, reported: false };
  private aborted = false;
  private lastError: string | undefined;

  constructor(private readonly sessionFile: string | undefined) {}

  /**
   * `--session <path>` reopens that file, or starts a new conversation that pi saves there (it
   * creates the folder, and writes the file once the first reply is complete): checked with pi 0.73.
   */
  launchArgs(resumeId: string | undefined): string[] {
    const session = resumeId ?? this.sessionFile;
    return session ? ['--mode', 'rpc', '--session', session] : ['--mode', 'rpc'];
  }

  encodePrompt(text: string): string {
    return encodeJsonLine({ id: String(this.nextId++), type: 'prompt', message: text });
  }

  handshake(): string {
    return encodeJsonLine({ id: STATE_REQUEST_ID, type: 'get_state' });
  }

  beginTurn(): void {
    this.usage = { inputTokens: 0, outputTokens: 0, costUsd: 0, reported: false };
    this.aborted = false;
    this.lastError = undefined;
  }

  interrupt(): InterruptAction {
    this.aborted = true;
    return { write: encodeJsonLine({ type: 'abort' }) };
  }

  encodePermission(_request: unknown, _decision: PermissionDecision): undefined {
    return undefined;
  }

  decode(chunk: Buffer): AgentEvent[] {
    return this.lines
      .push(chunk)
      .flatMap((line) =>
        line.ok
          ? this.interpret(line.value)
          : [{ type: 'protocol-error' as const, reason: line.reason, excerpt: line.excerpt }],
      );
  }

  endOfStream(): AgentEvent[] {
    return this.lines
      .end()
      .flatMap((line) =>
        line.ok
          ? this.interpret(line.value)
          : [{ type: 'protocol-error' as const, reason: line.reason, excerpt: line.excerpt }],
      );
  }

  private interpret(value: unknown): AgentEvent[] {
    if (!isObject(value)) {
      return [
        {
          type: 'protocol-error',
          reason: l10n.t('an event that is not a JSON object'),
          excerpt: stringifyUntrusted(value).slice(0, 120),
        },
      ];
    }
    switch (value.type) {
      case 'response':
        return this.response(value);
      case 'message_update':
        return textDelta(objectField(value, 'assistantMessageEvent'));
      case 'message_end':
        this.addUsage(objectField(value, 'message'));
        return [];
      case 'tool_execution_start':
        return [
          {
            type: 'tool-use',
            toolUseId: stringField(value, 'toolCallId') ?? '',
            name: stringField(value, 'toolName') ?? 'tool',
            input: value.args,
          },
        ];
      case 'tool_execution_end':
        return [
          {
            type: 'tool-result',
            toolUseId: stringField(value, 'toolCallId') ?? '',
            output: toolOutput(value.result),
            isError: value.isError === true,
          },
        ];
      case 'agent_end':
        return [this.turnEnd()];
      default:
        return [];
    }
  }

  /** A refused command (a prompt while busy, a bad request) ends nothing by itself but must be seen. */
  private response(value: UntrustedObject): AgentEvent[] {
    if (value.command === 'get_state' && value.id === STATE_REQUEST_ID) {
      return stateReady(value);
    }
    if (value.success !== false) {
      return [];
    }
    const error = stringField(value, 'error') ?? l10n.t('pi refused the command');
    if (value.command === 'prompt') {
      return [{ type: 'turn-end', outcome: 'error', message: error, usage: undefined, costUsd: undefined }];
    }
    this.lastError = error;
    return [];
  }

  private addUsage(message: UntrustedObject | undefined): void {
    if (!message || message.role !== 'assistant') {
      return;
    }
    const usage = objectField(message, 'usage');
    if (message.stopReason === 'error' || message.stopReason === 'aborted') {
      this.lastError = stringField(message, 'errorMessage') ?? this.lastError;
      this.aborted ||= message.stopReason === 'aborted';
    }
    if (!usage) {
      return;
    }
    this.usage.inputTokens +=
      (numberField(usage, 'input') ?? 0) +
      (numberField(usage, 'cacheRead') ?? 0) +
      (numberField(usage, 'cacheWrite') ?? 0);
    this.usage.outputTokens += numberField(usage, 'output') ?? 0;
    this.usage.costUsd += numberField(objectField(usage, 'cost') ?? {}, 'total') ?? 0;
    this.usage.reported = true;
  }

  private turnEnd(): AgentEvent {
    const usage: TokenUsage | undefined = this.usage.reported
      ? { inputTokens: this.usage.inputTokens, outputTokens: this.usage.outputTokens }
      : undefined;
    return {
      type: 'turn-end',
      outcome: this.aborted ? 'interrupted' : this.lastError ? 'error' : 'success',
      message: this.aborted ? undefined : this.lastError,
      usage,
      costUsd: this.usage.reported ? this.usage.costUsd : undefined,
    };
  }
}

/**
 * The answer to the handshake. The session file is the resume id: `--session` takes a path as it
 * is, while a bare id is looked up among the sessions of the current folder only. An in-memory
 * session (`--no-session`) has no file, and nothing to resume.
 */
function stateReady(value: UntrustedObject): AgentEvent[] {
  const data = objectField(value, 'data');
  if (value.success === false || !data) {
    // Worth a line in the log: without the session file, the next process cannot resume.
    return [
      {
        type: 'protocol-error',
        reason: l10n.t('pi did not report its session (get_state failed)'),
        excerpt: stringField(value, 'error') ?? '',
      },
    ];
  }
  const model = objectField(data, 'model');
  return [{ type: 'ready', resumeId: stringField(data, 'sessionFile'), model: model && stringField(model, 'id') }];
}

function textDelta(event: UntrustedObject | undefined): AgentEvent[] {
  if (event?.type !== 'text_delta') {
    return [];
  }
  const text = stringField(event, 'delta') ?? '';
  return text === '' ? [] : [{ type: 'text-delta', text }];
}

function toolOutput(result: unknown): string {
  if (isObject(result) && result.content !== undefined) {
    return flattenContent(result.content);
  }
  return flattenContent(result);
}
