import { Disposable } from '../../src/core/events';
import { SessionState } from '../../src/core/sessions/session';
import { SessionManager } from '../../src/core/sessions/sessionManager';

/** The session's transcript as `kind:text` lines (entries without text show their kind only). */
export function transcriptLines(manager: SessionManager, id: string): string {
  return manager
    .transcript(id)
    .map((e) => ('text' in e ? `${e.kind}:${e.text}` : e.kind))
    .join('\n');
}

/** The text of each assistant entry, in order. */
export function assistantTexts(manager: SessionManager, id: string): string[] {
  return manager.transcript(id).flatMap((e) => (e.kind === 'assistant' ? [e.text] : []));
}

export interface DeltaRecorder extends Disposable {
  /** The pieces each assistant entry was built from (its first text, then each delta), in arrival order. */
  readonly pieces: ReadonlyMap<number, readonly string[]>;
}

/** Records how the session's assistant entries grew, change by change, as the panel would see them. */
export function recordAssistantDeltas(manager: SessionManager, id: string): DeltaRecorder {
  const pieces = new Map<number, string[]>();
  const subscription = manager.onDidChangeTranscript(({ sessionId, change }) => {
    if (sessionId !== id) {
      return;
    }
    if (change.type === 'append' && change.entry.kind === 'assistant') {
      pieces.set(change.entry.id, [change.entry.text]);
    } else if (change.type === 'delta') {
      pieces.get(change.entryId)?.push(change.text);
    }
  });
  return { pieces, dispose: () => subscription.dispose() };
}

export interface StateRecorder extends Disposable {
  /** Every state the session was published in, consecutive repeats folded. */
  readonly states: readonly SessionState[];
}

export function recordStates(manager: SessionManager, id: string): StateRecorder {
  const states: SessionState[] = [];
  const subscription = manager.onDidChangeSession(({ view }) => {
    if (view.id === id && states[states.length - 1] !== view.state) {
      states.push(view.state);
    }
  });
  return { states, dispose: () => subscription.dispose() };
}
