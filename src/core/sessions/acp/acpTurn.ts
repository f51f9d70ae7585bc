import * as l10n from '@vscode/l10n';
import type { PromptResponse } from '@agentclientprotocol/sdk';
import { describeError } from '../../base/logger';
import { TurnEnd } from '../agentConnection';
import { turnEndOfResponse } from './acpUpdates';

/**
 * After `session/cancel` the agent must still answer the prompt (with `cancelled`). One that does not
 * within this long gets its turn ended by Shepherd, so an interrupt always frees the session.
 */
export const ACP_CANCEL_GRACE_MS = 5_000;

/** What the turns of an ACP session need from its connection. */
export interface AcpTurnHost {
  isAlive(): boolean;
  /** The session's cumulative spend as the agent reports it, in US dollars. */
  costUsd(): number;
  /** The turn ended (answered, failed or cancelled): the connection settles its state and tells the session. */
  ended(end: TurnEnd): void;
}

interface Turn {
  readonly resolve: (end: TurnEnd) => void;
  readonly reject: (error: Error) => void;
  /** The session's cost when the prompt was sent: what the turn added is the cost at its end minus this. */
  costAtStart: number;
  /** The user interrupted it: a prompt not yet sent is then not sent at all. */
  cancelled: boolean;
  cancelTimer?: NodeJS.Timeout;
}

/**
 * The one `session/prompt` an ACP session may have in flight: the promise its caller waits on, the
 * cost it added, and the grace an agent gets to confirm a cancel before Shepherd ends the turn itself.
 */
export class AcpTurns {
  private turn: Turn | undefined;

  constructor(private readonly host: AcpTurnHost) {}

  get active(): boolean {
    return this.turn !== undefined;
  }

  /**
   * Runs one turn through `prompt` (the `session/prompt` request); the caller checked none is active.
   * With `ready`, the prompt waits for it (the replay of a loaded session to end) yet the turn is
   * already active: it can be interrupted, and no second turn can start meanwhile.
   */
  run(prompt: () => Promise<PromptResponse>, ready?: Promise<void>): Promise<TurnEnd> {
    let resolve: (end: TurnEnd) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    // The executor runs at once, so resolve and reject are the promise's own before the turn is made.
    const ended = new Promise<TurnEnd>((onEnd, onFail) => {
      resolve = onEnd;
      reject = onFail;
    });
    const turn: Turn = { resolve, reject, costAtStart: 0, cancelled: false };
    this.turn = turn;
    if (ready) {
      // `ready` never rejects (the replay's drain is a timer); a turn failed meanwhile is not sent.
      void ready.then(() => this.send(turn, prompt));
    } else {
      this.send(turn, prompt);
    }
    return ended;
  }

  private send(turn: Turn, prompt: () => Promise<PromptResponse>): void {
    if (this.turn !== turn) {
      // Failed (the agent exited, the session closed) while it waited to be sent.
      return;
    }
    if (turn.cancelled) {
      this.end(turn, turnEndOfResponse({ stopReason: 'cancelled' }, undefined));
      return;
    }
    turn.costAtStart = this.host.costUsd();
    prompt().then(
      (response) => this.end(turn, turnEndOfResponse(response, this.host.costUsd() - turn.costAtStart)),
      (error: unknown) => {
        // A dead agent fails the turn through `fail` with the way its process ended.
        if (this.host.isAlive()) {
          this.end(turn, failedTurnEnd(describeError(error)));
        }
      },
    );
  }

  /** The user interrupted the active turn: (re)starts its cancel grace, or drops a prompt not yet sent. */
  startCancelGrace(): void {
    const turn = this.turn;
    if (!turn) {
      return;
    }
    turn.cancelled = true;
    clearTimeout(turn.cancelTimer);
    turn.cancelTimer = setTimeout(() => {
      this.end(turn, {
        type: 'turn-end',
        outcome: 'interrupted',
        message: undefined,
        usage: undefined,
        costUsd: undefined,
        stopNotice: l10n.t('The agent did not confirm the cancel within {0} s.', ACP_CANCEL_GRACE_MS / 1_000),
      });
    }, ACP_CANCEL_GRACE_MS);
  }

  /** The active turn fails with `error` (the agent exited, the session closed). */
  fail(error: Error): void {
    const turn = this.turn;
    this.turn = undefined;
    clearTimeout(turn?.cancelTimer);
    turn?.reject(error);
  }

  private end(turn: Turn, end: TurnEnd): void {
    if (this.turn !== turn) {
      // The answer to a turn Shepherd already ended (cancel grace passed): nothing left to do.
      return;
    }
    clearTimeout(turn.cancelTimer);
    this.turn = undefined;
    this.host.ended(end);
    turn.resolve(end);
  }
}

/** The end of a turn whose `session/prompt` failed (the agent answered with an error). */
function failedTurnEnd(reason: string): TurnEnd {
  return {
    type: 'turn-end',
    outcome: 'error',
    message: l10n.t('The agent could not answer: {0}', reason),
    usage: undefined,
    costUsd: undefined,
  };
}
