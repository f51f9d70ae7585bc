import { SessionView, TranscriptChange } from '../../shared/sessionModel';
import { AcpSignInMethod } from './acp/acpSignIn';

/**
 * What the SessionManager tells its listeners, in one place: the editor side subscribes to these
 * (panels, the sessions view, attention notices, sign-in) without reaching into the manager itself.
 */

export interface SessionChange {
  readonly kind: 'added' | 'updated' | 'removed';
  readonly view: SessionView;
}

export interface TranscriptEvent {
  readonly sessionId: string;
  readonly change: TranscriptChange;
}

/** A moment the user may want to know about even if the session's panel is hidden. */
export interface AttentionEvent {
  readonly session: SessionView;
  readonly reason: 'turn-ended' | 'waiting-for-input';
}

/** An ACP agent will not open a session until the user signs in with one of `methods`. */
export interface SignInEvent {
  readonly session: SessionView;
  readonly methods: readonly AcpSignInMethod[];
}
