/**
 * The session model that the core, the UI and the webview all speak: what a session is and what its
 * transcript holds. Types only, and it imports nothing, so every import of it points down.
 */

export type SessionState = 'starting' | 'idle' | 'busy' | 'waiting-for-input' | 'stalled' | 'exited' | 'failed';

export interface SessionUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** What the tree, the panel and the status bar see of a session. */
export interface SessionView {
  readonly id: string;
  readonly title: string;
  readonly agentId: string;
  readonly agentLabel: string;
  readonly isDemo: boolean;
  readonly state: SessionState;
  readonly model: string | undefined;
  /** The worker that runs (or last ran) the agent process. */
  readonly workerId: string | undefined;
  readonly usage: SessionUsage;
  readonly lastActivity: number;
  readonly createdAt: number;
  /** Why the session failed or exited, in words. */
  readonly message: string | undefined;
  readonly canResume: boolean;
}

/** The user's answer to a permission request. */
export type PermissionDecision = 'allow' | 'deny' | 'allow-session';

/** The shapes of a transcript. */
export type TranscriptEntry =
  | { readonly kind: 'user'; readonly id: number; readonly at: number; readonly text: string }
  | { readonly kind: 'assistant'; readonly id: number; readonly at: number; readonly text: string }
  | {
      readonly kind: 'tool';
      readonly id: number;
      readonly at: number;
      readonly toolUseId: string;
      readonly name: string;
      /** The tool's input as pretty JSON, cut to a readable size. */
      readonly input: string;
      readonly output: string | undefined;
      readonly isError: boolean;
    }
  | {
      readonly kind: 'permission';
      readonly id: number;
      readonly at: number;
      readonly requestId: string;
      readonly toolName: string;
      readonly input: string;
      readonly description: string | undefined;
      readonly decision: PermissionDecision | undefined;
    }
  | { readonly kind: 'error'; readonly id: number; readonly at: number; readonly text: string }
  | { readonly kind: 'notice'; readonly id: number; readonly at: number; readonly text: string };

export type TranscriptChange =
  | { readonly type: 'append'; readonly entry: TranscriptEntry }
  /** Streamed text added to the end of an assistant entry. */
  | { readonly type: 'delta'; readonly entryId: number; readonly text: string }
  | { readonly type: 'update'; readonly entry: TranscriptEntry }
  /** Entries dropped from the front to keep the transcript within its bounds. */
  | { readonly type: 'trim'; readonly firstId: number };
