import * as l10n from '@vscode/l10n';
import type {
  AvailableCommand,
  ContentBlock,
  PermissionOption,
  PlanEntry,
  PromptResponse,
  SessionModeState,
  SessionUpdate,
  ToolCallContent,
  ToolCallLocation,
  ToolCallStatus,
} from '@agentclientprotocol/sdk';
import { PermissionChoice, PlanItem, SessionModes, SlashCommand, ToolDiff } from '../../../shared/sessionModel';
import { isObject, numberField, objectField, UntrustedObject } from '../../../shared/untrusted';
import { AgentEvent, TokenUsage, ToolCallChange } from '../protocols/agentEvents';

/** The text of a content block; other blocks (images, audio, resources) are named, not shown. */
export function contentText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'resource_link':
      return `[${block.name}](${block.uri})`;
    default:
      return `(${block.type})`;
  }
}

function toolOutput(content: readonly ToolCallContent[]): string | undefined {
  const texts = content.flatMap((item) => (item.type === 'content' ? [contentText(item.content)] : []));
  return texts.length > 0 ? texts.join('\n') : undefined;
}

function toolDiffs(content: readonly ToolCallContent[]): ToolDiff[] {
  return content.flatMap((item) =>
    item.type === 'diff' ? [{ path: item.path, oldText: item.oldText ?? undefined, newText: item.newText }] : [],
  );
}

function toolLocations(locations: readonly ToolCallLocation[]): { path: string; line: number | undefined }[] {
  return locations.map((location) => ({ path: location.path, line: location.line ?? undefined }));
}

/** A `tool_call` or `tool_call_update` (or the tool of a permission request) as a transcript change. */
export function toolCallChange(update: {
  readonly toolCallId: string;
  readonly title?: string | null;
  readonly kind?: string | null;
  readonly status?: ToolCallStatus | null;
  readonly content?: readonly ToolCallContent[] | null;
  readonly locations?: readonly ToolCallLocation[] | null;
  readonly rawInput?: unknown;
}): ToolCallChange {
  return {
    toolCallId: update.toolCallId,
    title: update.title ?? undefined,
    toolKind: update.kind ?? undefined,
    status: update.status ?? undefined,
    rawInput: update.rawInput,
    output: update.content ? toolOutput(update.content) : undefined,
    locations: update.locations ? toolLocations(update.locations) : undefined,
    diffs: update.content ? toolDiffs(update.content) : undefined,
  };
}

function planItems(entries: readonly PlanEntry[]): PlanItem[] {
  return entries.map((entry) => ({ content: entry.content, status: entry.status, priority: entry.priority }));
}

function slashCommands(commands: readonly AvailableCommand[]): SlashCommand[] {
  return commands.map((command) => ({
    name: command.name,
    description: command.description,
    hint: command.input && 'hint' in command.input ? command.input.hint : undefined,
  }));
}

export function sessionModes(state: SessionModeState): SessionModes {
  return {
    currentId: state.currentModeId,
    available: state.availableModes.map((mode) => ({
      id: mode.id,
      name: mode.name,
      description: mode.description ?? undefined,
    })),
  };
}

/** Only US dollars add up with the other agents' costs; another currency is left out of the total. */
function costInUsd(cost: { amount: number; currency: string } | null | undefined): number | undefined {
  return cost && cost.currency.toUpperCase() === 'USD' ? cost.amount : undefined;
}

/**
 * What one `session/update` means for the session. `modes` is the state the connection knows, so a
 * `current_mode_update` can say which of the agent's modes is now current. While `session/load` replays
 * the conversation, which the transcript already holds, only the agent's state (modes, commands, context)
 * is news.
 */
export function eventsOfUpdate(
  update: SessionUpdate,
  modes: SessionModes | undefined,
  replaying: boolean,
): AgentEvent[] {
  const events = eventsOfAnyUpdate(update, modes);
  return replaying ? events.filter((e) => e.type === 'modes' || e.type === 'commands' || e.type === 'context') : events;
}

function eventsOfAnyUpdate(update: SessionUpdate, modes: SessionModes | undefined): AgentEvent[] {
  switch (update.sessionUpdate) {
    case 'agent_message_chunk':
      return [{ type: 'text-delta', text: contentText(update.content) }];
    case 'agent_thought_chunk':
      return [{ type: 'thought-delta', text: contentText(update.content) }];
    case 'tool_call':
    case 'tool_call_update':
      return [{ type: 'tool-call', call: toolCallChange(update) }];
    case 'plan':
      return [{ type: 'plan', items: planItems(update.entries) }];
    case 'usage_update':
      return [
        {
          type: 'context',
          context: { usedTokens: update.used, sizeTokens: update.size },
          costUsd: costInUsd(update.cost),
        },
      ];
    case 'available_commands_update':
      return [{ type: 'commands', commands: slashCommands(update.availableCommands) }];
    case 'current_mode_update':
      return [{ type: 'modes', modes: { currentId: update.currentModeId, available: modes?.available ?? [] } }];
    case 'notice':
      return [{ type: 'notice', text: update.description ? `${update.title}: ${update.description}` : update.title }];
    default:
      // The user's own echoed messages, config options, session titles, compaction: nothing to show.
      return [];
  }
}

/**
 * Token counts of a finished turn. ACP has no stable field for them: Gemini CLI puts them in
 * `_meta.quota.token_count` (input_tokens, output_tokens), the draft `usage` field says
 * inputTokens / outputTokens. Whichever the agent gave is used.
 */
export function usageOfResponse(response: PromptResponse): TokenUsage | undefined {
  const raw: unknown = response;
  if (!isObject(raw)) {
    return undefined;
  }
  const draft = objectField(raw, 'usage');
  const quota = objectField(objectField(raw, '_meta') ?? {}, 'quota');
  const counts: UntrustedObject | undefined = quota ? objectField(quota, 'token_count') : undefined;
  const input = (draft && numberField(draft, 'inputTokens')) ?? (counts && numberField(counts, 'input_tokens'));
  const output = (draft && numberField(draft, 'outputTokens')) ?? (counts && numberField(counts, 'output_tokens'));
  return input === undefined && output === undefined
    ? undefined
    : { inputTokens: input ?? 0, outputTokens: output ?? 0 };
}

/** What the transcript says for a stop reason worth a notice (a function: l10n is configured after load). */
function stopNoticeOf(stopReason: string): string | undefined {
  switch (stopReason) {
    case 'max_tokens':
      return l10n.t('The agent stopped: it reached its token limit (max_tokens).');
    case 'max_turn_requests':
      return l10n.t('The agent stopped: it made as many model requests as one turn allows (max_turn_requests).');
    case 'refusal':
      return l10n.t('The agent refused to go on (refusal).');
    default:
      return undefined;
  }
}

/** The end of a turn from the answer to `session/prompt`. */
export function turnEndOfResponse(
  response: PromptResponse,
  costUsd: number | undefined,
): Extract<AgentEvent, { type: 'turn-end' }> {
  const stopNotice = stopNoticeOf(response.stopReason);
  return {
    type: 'turn-end',
    outcome: response.stopReason === 'cancelled' ? 'interrupted' : 'success',
    message: undefined,
    usage: usageOfResponse(response),
    costUsd,
    ...(stopNotice ? { stopNotice } : {}),
  };
}

/** The agent's permission options as the panel's choices, with the agent's own labels. */
export function permissionChoices(options: readonly PermissionOption[]): PermissionChoice[] {
  const decisionOf = { allow_once: 'allow', allow_always: 'allow-session', reject_once: 'deny' } as const;
  const choices: PermissionChoice[] = [];
  for (const option of options) {
    // "Reject always" answers as a denial only where the agent offers no plain "reject once".
    const decision =
      option.kind === 'reject_always' && !options.some((o) => o.kind === 'reject_once')
        ? 'deny'
        : decisionOf[option.kind as keyof typeof decisionOf];
    if (decision && !choices.some((choice) => choice.decision === decision)) {
      choices.push({ decision, label: option.name });
    }
  }
  return choices;
}

/** The option that carries the user's decision, by the agent's own kinds. */
export function optionFor(options: readonly PermissionOption[], decision: string): PermissionOption | undefined {
  const kinds: Readonly<Record<string, readonly string[]>> = {
    allow: ['allow_once', 'allow_always'],
    'allow-session': ['allow_always', 'allow_once'],
    deny: ['reject_once', 'reject_always'],
  };
  for (const kind of kinds[decision] ?? []) {
    const option = options.find((o) => o.kind === kind);
    if (option) {
      return option;
    }
  }
  return undefined;
}
