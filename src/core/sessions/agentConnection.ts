import { Disposable, Event } from '../base/events';
import { ContextUsage, PermissionDecision, SessionModes, SlashCommand } from '../../shared/sessionModel';
import { AgentConfig } from './agentConfig';
import { AgentEvent } from './protocols/agentEvents';

/** The state of one agent process, read from its protocol, never guessed from its screen. */
export type ConnectionState = 'idle' | 'busy' | 'waiting-for-input' | 'exited';

/** How a turn ended, from the agent's own protocol. */
export type TurnEnd = Extract<AgentEvent, { type: 'turn-end' }>;

/** The agent's process went away; its message says how, in words for the transcript. */
export class AgentExitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentExitError';
  }
}

/** The agent could not be started; the message says why and how to fix it. */
export class AgentStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentStartError';
  }
}

export interface ConnectionOptions {
  readonly workerId: string;
  readonly label: string;
  readonly cwd: string;
  readonly resumeId: string | undefined;
  /** pi keeps a conversation in a file; Shepherd names it so a later process can continue it. */
  readonly sessionFile: string | undefined;
  /**
   * The conversation so far, read when the first turn is sent, for an agent that could not reload it
   * (ACP). It may end with the message that turn sends.
   */
  readonly earlierMessages?: () => readonly EarlierMessage[];
}

/** A message of the conversation so far, as the transcript holds it. */
export interface EarlierMessage {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/**
 * One running agent process as the session layer sees it, whatever its protocol: stdin/stdout
 * lines decoded by an AgentProtocol (Claude Code, pi, line CLIs) or a JSON-RPC connection in both
 * directions (ACP). It runs one turn at a time and fails a turn clearly if the process dies.
 */
export interface AgentConnection extends Disposable {
  readonly agent: AgentConfig;
  readonly workerId: string;
  readonly state: ConnectionState;
  readonly isAlive: boolean;
  readonly onEvent: Event<AgentEvent>;
  /** Fires once when the process ends, with how it ended. */
  readonly onExit: Event<string>;
  /** Epoch ms of the last byte the agent printed; the stall watchdog reads it. */
  readonly lastOutputAt: number;
  /** What a later process needs to continue this conversation, once the agent has said it. */
  readonly resumeId: string | undefined;
  readonly model: string | undefined;
  /** What agents with modes, slash commands and a context meter (ACP) last said about them. */
  readonly modes?: SessionModes;
  readonly commands?: readonly SlashCommand[];
  readonly context?: ContextUsage;
  /** Values beyond the agent's configured env that must never be stored (an ACP sign-in key). */
  readonly secretValues?: readonly string[];
  /** Starts a turn with the user's text; resolves when the agent says the turn is over. */
  runTurn(text: string): Promise<TurnEnd>;
  interrupt(): void;
  /** Answers a pending permission request; false if there is no such request. */
  respond(requestId: string, decision: PermissionDecision): boolean;
  /** Asks the agent to switch modes, for protocols that have them; rejects with the agent's reason. */
  setMode?(modeId: string): Promise<void>;
  /** Stops the agent's process group and forgets the worker. */
  close(): Promise<void>;
  /** Stops the process but keeps the worker listed (an idle session that will resume). */
  stopProcess(): Promise<void>;
}
