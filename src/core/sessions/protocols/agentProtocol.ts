import { AgentEvent } from './agentEvents';
import { PermissionDecision } from '../../../shared/sessionModel';

/** How a protocol interrupts a turn: a message on stdin, or a signal to the agent's group. */
export type InterruptAction = { readonly write: string } | { readonly signal: NodeJS.Signals };

/** A permission request as the protocol needs it back to answer it. */
export interface PendingPermission {
  readonly requestId: string;
  readonly input: unknown;
}

/**
 * One agent CLI's machine protocol: how to start it, what to write, and how to read what it prints.
 * Instances are per process, because decoders keep state (a half-read line, the current message).
 */
export interface AgentProtocol {
  /** Arguments that put the CLI in its machine mode, placed after the user's own extra args. */
  launchArgs(resumeId: string | undefined): string[];
  /** The bytes that start a turn with the user's text. */
  encodePrompt(text: string): string;
  interrupt(): InterruptAction;
  /** The bytes that answer a permission request; undefined where the protocol has none. */
  encodePermission(request: PendingPermission, decision: PermissionDecision): string | undefined;
  /** Feeds raw stdout and returns what it meant. */
  decode(chunk: Buffer): AgentEvent[];
  /** Called when stdout ends. */
  endOfStream(): AgentEvent[];
  /** Called when a turn begins, for protocols that must know (the line protocol's silence timer). */
  beginTurn(): void;
  /**
   * Bytes written once, as soon as the process runs, for protocols whose agent only says who it is
   * when asked (pi names its session file and model in answer to `get_state`, never unprompted).
   */
  handshake?(): string | undefined;
  /**
   * For protocols that end a turn by silence: how long the agent must stay quiet after output.
   * Undefined when the protocol says explicitly when a turn ends.
   */
  readonly idleGapMs: number | undefined;
}
