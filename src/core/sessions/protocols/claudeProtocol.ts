import * as l10n from '@vscode/l10n';
import { randomUUID } from 'node:crypto';
import { describeError } from '../../base/logger';
import { AgentEvent, TokenUsage, TurnOutcome } from './agentEvents';
import { PermissionDecision } from '../../../shared/sessionModel';
import { AgentProtocol, InterruptAction, PendingPermission } from './agentProtocol';
import { isObject, numberField, objectField, stringField, UntrustedObject } from '../../../shared/untrusted';
import { encodeJsonLine, JsonLineDecoder, stringifyUntrusted } from './jsonLines';

/**
 * Claude Code's stream-json mode: one process holds the conversation, each stdin line is a user
 * message, a `result` line ends the turn, and tool permissions are asked over stdio.
 */
export class ClaudeProtocol implements AgentProtocol {
  readonly idleGapMs = undefined;
  private readonly lines = new JsonLineDecoder();
  /** Text of the current message already streamed as deltas, so the final `assistant` line does not repeat it. */
  private streamedText = false;
  /**
   * Whether this turn's last message said something and no tool came after it: the next message's text
   * then opens a new paragraph, instead of running on (a reply ending in a code fence would swallow it).
   */
  private textBeforeThisMessage = false;
  private textInThisMessage = false;
  private interruptRequested = false;
  /**
   * `total_cost_usd` in a `result` is this process's running total (checked with Claude Code 2.1:
   * 0.000138, then 0.000276 for two equal turns; a resumed process starts again from 0), while
   * `usage` is the turn's own. The turn's cost is the difference from the last total.
   */
  private lastTotalCostUsd = 0;

  launchArgs(resumeId: string | undefined): string[] {
    const args = [
      '-p',
      '--input-format',
      'stream-json',
      '--output-format',
      'stream-json',
      '--verbose',
      '--include-partial-messages',
      '--permission-prompt-tool',
      'stdio',
    ];
    return resumeId ? [...args, '--resume', resumeId] : args;
  }

  encodePrompt(text: string): string {
    return encodeJsonLine({ type: 'user', message: { role: 'user', content: text } });
  }

  beginTurn(): void {
    this.streamedText = false;
    this.textBeforeThisMessage = false;
    this.textInThisMessage = false;
    this.interruptRequested = false;
  }

  interrupt(): InterruptAction {
    this.interruptRequested = true;
    return {
      write: encodeJsonLine({ type: 'control_request', request_id: randomUUID(), request: { subtype: 'interrupt' } }),
    };
  }

  encodePermission(request: PendingPermission, decision: PermissionDecision): string {
    const deny = (message: string): Record<string, unknown> => ({ behavior: 'deny', message });
    const line = (response: Record<string, unknown>): string =>
      encodeJsonLine({
        type: 'control_response',
        response: { subtype: 'success', request_id: request.requestId, response },
      });
    if (decision === 'deny') {
      return line(deny(l10n.t('The user denied this tool in Shepherd.')));
    }
    try {
      return line({ behavior: 'allow', updatedInput: isObject(request.input) ? request.input : {} });
    } catch (error) {
      // Allowing means echoing the input back; one nested too deeply to serialize cannot be, and a
      // request left unanswered would hang the turn, so it is denied with the reason.
      return line(
        deny(l10n.t("Shepherd could not pass this tool's input back ({0}), so it was not run.", describeError(error))),
      );
    }
  }

  decode(chunk: Buffer): AgentEvent[] {
    return this.lines
      .push(chunk)
      .flatMap((line) => (line.ok ? this.interpret(line.value) : [protocolError(line.reason, line.excerpt)]));
  }

  endOfStream(): AgentEvent[] {
    return this.lines
      .end()
      .flatMap((line) => (line.ok ? this.interpret(line.value) : [protocolError(line.reason, line.excerpt)]));
  }

  private interpret(value: unknown): AgentEvent[] {
    if (!isObject(value)) {
      return [protocolError(l10n.t('an event that is not a JSON object'), stringifyUntrusted(value).slice(0, 120))];
    }
    switch (value.type) {
      case 'system':
        return value.subtype === 'init'
          ? [{ type: 'ready', resumeId: stringField(value, 'session_id'), model: stringField(value, 'model') }]
          : [];
      case 'stream_event':
        return this.streamEvent(objectField(value, 'event'));
      case 'assistant':
        return this.assistantMessage(objectField(value, 'message'));
      case 'user':
        return toolResults(objectField(value, 'message'));
      case 'result':
        return [this.result(value)];
      case 'control_request':
        return permissionRequest(value);
      default:
        // control_response acknowledgements, keep-alives and future event types carry nothing for the transcript.
        return [];
    }
  }

  private streamEvent(event: UntrustedObject | undefined): AgentEvent[] {
    if (!event) {
      return [];
    }
    if (event.type === 'message_start') {
      this.streamedText = false;
      this.endMessage();
      return [];
    }
    const delta = objectField(event, 'delta');
    if (event.type === 'content_block_delta' && delta?.type === 'text_delta') {
      const text = stringField(delta, 'text') ?? '';
      this.streamedText ||= text !== '';
      return text === '' ? [] : [{ type: 'text-delta', text: this.paragraph(text) }];
    }
    return [];
  }

  private assistantMessage(message: UntrustedObject | undefined): AgentEvent[] {
    const content = message?.content;
    if (!Array.isArray(content)) {
      return [];
    }
    const events: AgentEvent[] = [];
    for (const block of content) {
      if (!isObject(block)) {
        continue;
      }
      if (block.type === 'text' && !this.streamedText) {
        const text = stringField(block, 'text');
        if (text) {
          events.push({ type: 'assistant-text', text: this.paragraph(text) });
        }
      } else if (block.type === 'tool_use') {
        // The transcript puts text after a tool in an entry of its own.
        this.textBeforeThisMessage = false;
        this.textInThisMessage = false;
        events.push({
          type: 'tool-use',
          toolUseId: stringField(block, 'id') ?? '',
          name: stringField(block, 'name') ?? 'tool',
          input: block.input,
        });
      }
    }
    this.streamedText = false;
    this.endMessage();
    return events;
  }

  private endMessage(): void {
    this.textBeforeThisMessage ||= this.textInThisMessage;
    this.textInThisMessage = false;
  }

  /** `text`, opening a new paragraph when it starts a message that follows another's text. */
  private paragraph(text: string): string {
    const opensParagraph = this.textBeforeThisMessage && !this.textInThisMessage;
    this.textInThisMessage = true;
    return opensParagraph ? `\n\n${text}` : text;
  }

  private result(value: UntrustedObject): AgentEvent {
    const subtype = stringField(value, 'subtype') ?? 'success';
    const failed = subtype !== 'success' || value.is_error === true;
    const outcome: TurnOutcome = !failed ? 'success' : this.interruptRequested ? 'interrupted' : 'error';
    return {
      type: 'turn-end',
      outcome,
      message: failed ? resultMessage(value, subtype) : undefined,
      usage: usageOf(objectField(value, 'usage')),
      costUsd: this.turnCost(numberField(value, 'total_cost_usd')),
    };
  }

  private turnCost(total: number | undefined): number | undefined {
    if (total === undefined) {
      return undefined;
    }
    // A total below the last one means the agent started counting afresh: all of it is new.
    const cost = total >= this.lastTotalCostUsd ? total - this.lastTotalCostUsd : total;
    this.lastTotalCostUsd = total;
    return cost;
  }
}

function protocolError(reason: string, excerpt: string): AgentEvent {
  return { type: 'protocol-error', reason, excerpt };
}

function resultMessage(value: UntrustedObject, subtype: string): string {
  const text = stringField(value, 'result');
  const errors = Array.isArray(value.errors) ? value.errors.filter((e): e is string => typeof e === 'string') : [];
  return text ?? (errors.length > 0 ? errors.join('; ') : l10n.t('the turn ended with {0}', subtype));
}

function usageOf(usage: UntrustedObject | undefined): TokenUsage | undefined {
  if (!usage) {
    return undefined;
  }
  const input =
    (numberField(usage, 'input_tokens') ?? 0) +
    (numberField(usage, 'cache_creation_input_tokens') ?? 0) +
    (numberField(usage, 'cache_read_input_tokens') ?? 0);
  return { inputTokens: input, outputTokens: numberField(usage, 'output_tokens') ?? 0 };
}

function toolResults(message: UntrustedObject | undefined): AgentEvent[] {
  const content = message?.content;
  if (!Array.isArray(content)) {
    return [];
  }
  return content.filter(isObject).flatMap((block): AgentEvent[] =>
    block.type === 'tool_result'
      ? [
          {
            type: 'tool-result',
            toolUseId: stringField(block, 'tool_use_id') ?? '',
            output: flattenContent(block.content),
            isError: block.is_error === true,
          },
        ]
      : [],
  );
}

/** Tool results arrive as a string or as a list of content blocks. */
export function flattenContent(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  if (!Array.isArray(content)) {
    return content === undefined ? '' : stringifyUntrusted(content);
  }
  return content
    .map((block) => (isObject(block) && typeof block.text === 'string' ? block.text : stringifyUntrusted(block)))
    .join('\n');
}

function permissionRequest(value: UntrustedObject): AgentEvent[] {
  const request = objectField(value, 'request');
  const requestId = stringField(value, 'request_id');
  if (request?.subtype !== 'can_use_tool' || !requestId) {
    return [];
  }
  return [
    {
      type: 'permission-request',
      requestId,
      toolName: stringField(request, 'tool_name') ?? 'tool',
      input: request.input,
      description: stringField(request, 'description'),
    },
  ];
}
