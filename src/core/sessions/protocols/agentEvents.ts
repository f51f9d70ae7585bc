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
    }
  /** The turn is over; usage and cost are this turn's, where the protocol reports them. */
  | {
      readonly type: 'turn-end';
      readonly outcome: TurnOutcome;
      readonly message: string | undefined;
      readonly usage: TokenUsage | undefined;
      readonly costUsd: number | undefined;
    }
  /** A line the protocol could not make sense of; the session goes on. */
  | { readonly type: 'protocol-error'; readonly reason: string; readonly excerpt: string };
