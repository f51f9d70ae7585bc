import type {
  ContextUsage,
  PermissionChoice,
  PlanItem,
  SessionModes,
  SlashCommand,
  ToolDiff,
  ToolLocation,
  ToolStatus,
} from '../../../shared/sessionModel';

/** Token counts of one turn, as the agent reported them. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export type TurnOutcome = 'success' | 'error' | 'interrupted';

/**
 * What any agent protocol is translated into. The session manager and the UI only ever see these,
 * so a new protocol (Codex's app-server, Gemini's ACP) is one new decoder and nothing else.
 */
export type AgentEvent =
  /** The agent announced itself: its conversation id (for resuming) and model. */
  | { readonly type: 'ready'; readonly resumeId: string | undefined; readonly model: string | undefined }
  /** A piece of the assistant's reply, streamed. */
  | { readonly type: 'text-delta'; readonly text: string }
  /** A whole block of assistant text that was not streamed as deltas. */
  | { readonly type: 'assistant-text'; readonly text: string }
  | { readonly type: 'tool-use'; readonly toolUseId: string; readonly name: string; readonly input: unknown }
  | { readonly type: 'tool-result'; readonly toolUseId: string; readonly output: string; readonly isError: boolean }
  /** The agent waits for the user to allow or deny a tool. */
  | {
      readonly type: 'permission-request';
      readonly requestId: string;
      readonly toolName: string;
      readonly input: unknown;
      readonly description: string | undefined;
      /** The agent's own answers (ACP); undefined: allow, deny and allow-for-the-session. */
      readonly choices?: readonly PermissionChoice[];
    }
  /** A piece of the agent's reasoning, streamed (ACP `agent_thought_chunk`). */
  | { readonly type: 'thought-delta'; readonly text: string }
  /**
   * A tool call was announced or changed (ACP `tool_call` / `tool_call_update`): the fields given
   * replace the ones the entry had; undefined ones keep theirs.
   */
  | { readonly type: 'tool-call'; readonly call: ToolCallChange }
  /** The agent's whole plan, replacing the previous one. */
  | { readonly type: 'plan'; readonly items: readonly PlanItem[] }
  /** Usage reported during a turn (ACP `usage_update`): the context window's fill, and spend. */
  | { readonly type: 'context'; readonly context: ContextUsage; readonly costUsd: number | undefined }
  | { readonly type: 'commands'; readonly commands: readonly SlashCommand[] }
  | { readonly type: 'modes'; readonly modes: SessionModes }
  /** Something the user should know about the connection that is neither output nor an error. */
  | { readonly type: 'notice'; readonly text: string }
  /** The turn is over; usage and cost are this turn's, where the protocol reports them. */
  | {
      readonly type: 'turn-end';
      readonly outcome: TurnOutcome;
      readonly message: string | undefined;
      readonly usage: TokenUsage | undefined;
      readonly costUsd: number | undefined;
      /** Why the agent stopped, in words, when that is worth showing (a refusal, a token limit). */
      readonly stopNotice?: string;
    }
  /** A line the protocol could not make sense of; the session goes on. */
  | { readonly type: 'protocol-error'; readonly reason: string; readonly excerpt: string };

/** What an ACP tool call announcement or update says; undefined fields are left as they were. */
export interface ToolCallChange {
  readonly toolCallId: string;
  readonly title: string | undefined;
  readonly toolKind: string | undefined;
  readonly status: ToolStatus | undefined;
  readonly rawInput: unknown;
  /** Text content of the call (its output, for most tools). */
  readonly output: string | undefined;
  readonly locations: readonly ToolLocation[] | undefined;
  readonly diffs: readonly ToolDiff[] | undefined;
}
