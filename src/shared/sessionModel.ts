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
  /** The session failed to start because its agent asks the user to sign in (src/ui/sessions/agentSignIn.ts). */
  readonly needsSignIn?: boolean;
  readonly canResume: boolean;
  /** The agent's modes (ACP `current_mode_update`); absent for agents without modes. */
  readonly modes?: SessionModes;
  /** Slash commands the agent offers (ACP `available_commands_update`), for completion in the input. */
  readonly commands?: readonly SlashCommand[];
  /** How full the agent's context window is (ACP `usage_update`), in tokens. */
  readonly context?: ContextUsage;
  /** The git worktree the agent works in: the panel then offers review, accept, discard and rewind. */
  readonly worktree?: SessionWorktreeView;
}

export interface SessionWorktreeView {
  /** The worktree's branch, `shepherd/<name>`. */
  readonly branch: string;
  /** What it started from, as the user picked it. */
  readonly base: string;
}

export interface SessionMode {
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
}

export interface SessionModes {
  readonly currentId: string;
  readonly available: readonly SessionMode[];
}

export interface SlashCommand {
  readonly name: string;
  readonly description: string;
  /** What to type after the command, when it takes input. */
  readonly hint: string | undefined;
}

export interface ContextUsage {
  readonly usedTokens: number;
  readonly sizeTokens: number;
}

/** The user's answer to a permission request. */
export type PermissionDecision = 'allow' | 'deny' | 'allow-session';

/** One answer the agent offers for a permission request, labelled as the agent labels it. */
export interface PermissionChoice {
  readonly decision: PermissionDecision;
  readonly label: string;
}

/** What a tool touches (ACP tool call `locations`): a click opens the file at the line. */
export interface ToolLocation {
  readonly path: string;
  /** 1-based, where the agent names one. */
  readonly line: number | undefined;
}

/** A file change a tool proposes or made, shown as a diff. `oldText` undefined: a new file. */
export interface ToolDiff {
  readonly path: string;
  readonly oldText: string | undefined;
  readonly newText: string;
}

export type ToolStatus = 'pending' | 'in_progress' | 'completed' | 'failed';

export interface PlanItem {
  readonly content: string;
  readonly status: 'pending' | 'in_progress' | 'completed';
  readonly priority: 'high' | 'medium' | 'low';
}

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
      /** ACP tool calls only (older transcripts and other protocols have none): read, edit, execute… */
      readonly toolKind?: string;
      readonly status?: ToolStatus;
      readonly locations?: readonly ToolLocation[];
      readonly diffs?: readonly ToolDiff[];
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
      /** The agent's own answers, where its protocol offers them (ACP); otherwise the usual three. */
      readonly choices?: readonly PermissionChoice[];
    }
  /** The agent's reasoning, streamed; shown collapsed. */
  | { readonly kind: 'thinking'; readonly id: number; readonly at: number; readonly text: string }
  /** The agent's plan for the turn; each update replaces the list in place. */
  | { readonly kind: 'plan'; readonly id: number; readonly at: number; readonly items: readonly PlanItem[] }
  | { readonly kind: 'error'; readonly id: number; readonly at: number; readonly text: string }
  | { readonly kind: 'notice'; readonly id: number; readonly at: number; readonly text: string };

export type TranscriptChange =
  | { readonly type: 'append'; readonly entry: TranscriptEntry }
  /** Streamed text added to the end of an assistant or thinking entry. */
  | { readonly type: 'delta'; readonly entryId: number; readonly text: string }
  | { readonly type: 'update'; readonly entry: TranscriptEntry }
  /** Entries dropped from the front to keep the transcript within its bounds. */
  | { readonly type: 'trim'; readonly firstId: number };
