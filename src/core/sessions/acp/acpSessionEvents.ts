import { AgentEvent } from '../protocols/agentEvents';
import { Transcript } from '../transcripts/transcript';

/** The events only ACP agents send (so far): reasoning, rich tool calls, plans, modes, commands. */
export type AcpSessionEvent = Extract<
  AgentEvent,
  { type: 'thought-delta' | 'tool-call' | 'plan' | 'context' | 'commands' | 'modes' | 'notice' }
>;

/**
 * Puts an ACP event into the session's transcript. Returns true when the event changed what the
 * session's view shows (its modes, commands or context meter), so the caller publishes the view.
 */
export function applyAcpEvent(transcript: Transcript, event: AcpSessionEvent): boolean {
  switch (event.type) {
    case 'thought-delta':
      transcript.addThinking(event.text);
      return false;
    case 'tool-call':
      transcript.upsertToolCall(event.call);
      return false;
    case 'plan':
      transcript.setPlan(event.items);
      return false;
    case 'notice':
      transcript.addNotice(event.text);
      return false;
    case 'context':
    case 'commands':
    case 'modes':
      return true;
  }
}
