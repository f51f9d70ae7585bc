import { StringDecoder } from 'node:string_decoder';
import { AgentEvent } from './agentEvents';
import { PermissionDecision } from '../../../shared/sessionModel';
import { AgentProtocol, InterruptAction } from './agentProtocol';

/** Long enough for a CLI that pauses between sentences, short enough that the reply feels finished. */
export const DEFAULT_IDLE_GAP_MS = 1_500;

export interface LineProtocolOptions {
  /** A line that, printed alone, ends the reply (for example a prompt such as `>>>`). */
  readonly endMarker: string | undefined;
  /** With no marker (or as a fallback), this much silence after output ends the reply. */
  readonly idleGapMs: number;
}

/**
 * For any CLI that reads one line and answers: the prompt is written as a line, everything printed
 * is reply text, and the reply ends at the marker line or after a quiet gap. Interrupting sends
 * SIGINT, as a user at a terminal would.
 */
export class LineProtocol implements AgentProtocol {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly options: LineProtocolOptions) {}

  get idleGapMs(): number {
    return this.options.idleGapMs;
  }

  launchArgs(): string[] {
    return [];
  }

  encodePrompt(text: string): string {
    // A newline inside the prompt would be read as two prompts by a line-oriented CLI.
    return `${text.replace(/\r?\n/g, ' ')}\n`;
  }

  beginTurn(): void {
    this.pending = '';
  }

  interrupt(): InterruptAction {
    return { signal: 'SIGINT' };
  }

  encodePermission(_request: unknown, _decision: PermissionDecision): undefined {
    return undefined;
  }

  decode(chunk: Buffer): AgentEvent[] {
    const text = this.pending + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    const events: AgentEvent[] = [];
    for (const line of lines) {
      if (this.options.endMarker !== undefined && line.trim() === this.options.endMarker) {
        events.push({ type: 'turn-end', outcome: 'success', message: undefined, usage: undefined, costUsd: undefined });
      } else {
        events.push({ type: 'text-delta', text: `${line}\n` });
      }
    }
    // A prompt marker usually has no newline after it: recognise it as soon as it is printed.
    if (this.options.endMarker !== undefined && this.pending.trim() === this.options.endMarker) {
      this.pending = '';
      events.push({ type: 'turn-end', outcome: 'success', message: undefined, usage: undefined, costUsd: undefined });
    }
    return events;
  }

  endOfStream(): AgentEvent[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest === '' ? [] : [{ type: 'text-delta', text: rest }];
  }
}
