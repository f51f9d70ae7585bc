/** The shapes of a transcript, shared with the webview (so: types only, no Node imports). */
import type { PermissionDecision } from './agentEvents';

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
