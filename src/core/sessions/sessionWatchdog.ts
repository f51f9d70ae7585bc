import * as l10n from '@vscode/l10n';
import { TaskRegistry } from '../base/taskRegistry';
import { canResume } from './agentConfig';
import { Session } from './session';

/** Thirty idle minutes: long enough for a coffee, short enough not to hoard memory all day. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;
/** Five silent minutes in the middle of a turn is far beyond any model's think time. */
export const DEFAULT_STALL_TIMEOUT_MS = 5 * 60_000;

/** How long a session may sit idle, and how long a turn may stay silent, before the watchdog acts. */
export interface SessionTimeouts {
  readonly idleTimeoutMs: number;
  readonly stallTimeoutMs: number;
}

/**
 * Watches sessions on each tick of their manager: flags a turn that has gone silent as stalled, and
 * stops an agent that sat idle so long that keeping its process is not worth the memory.
 */
export class SessionWatchdog {
  private timeouts: SessionTimeouts;

  constructor(
    timeouts: SessionTimeouts,
    private readonly tasks: TaskRegistry,
    /** Told when a session's published state changed because of a check. */
    private readonly changed: (session: Session) => void,
  ) {
    this.timeouts = timeouts;
  }

  /** New timeouts apply from the next check on. */
  applySettings(timeouts: SessionTimeouts): void {
    this.timeouts = timeouts;
  }

  check(session: Session, now: number): void {
    this.checkStall(session, now);
    this.checkIdle(session, now);
  }

  private checkStall(session: Session, now: number): void {
    const connection = session.connection;
    const stallTimeoutMs = this.timeouts.stallTimeoutMs;
    if (
      !connection ||
      connection.state !== 'busy' ||
      session.stalled ||
      now - connection.lastOutputAt < stallTimeoutMs
    ) {
      return;
    }
    session.stalled = true;
    session.transcript.addNotice(
      l10n.t(
        'No output from the agent for {0} s: it may be stalled. Interrupt it, or keep waiting.',
        Math.round(stallTimeoutMs / 1_000),
      ),
    );
    this.changed(session);
  }

  /** Idle cleanup reads lastActivity and the lock's state only: it never waits for a turn. */
  private checkIdle(session: Session, now: number): void {
    const connection = session.connection;
    const idleTimeoutMs = this.timeouts.idleTimeoutMs;
    // An agent that cannot resume would lose its conversation: it stays up however long it idles.
    if (
      !canResume(session.agent) ||
      !connection?.isAlive ||
      session.state !== 'idle' ||
      session.turnLock.isLocked() ||
      now - session.lastActivity < idleTimeoutMs
    ) {
      return;
    }
    session.expectingExit = true;
    session.transcript.addNotice(
      l10n.t(
        'Stopped the idle agent after {0} min. {1}',
        Math.round(idleTimeoutMs / 60_000),
        session.nextMessageNotice(),
      ),
    );
    void this.tasks.run(`stop idle agent of ${session.id}`, () => connection.stopProcess());
  }
}
