import { RestartPolicy } from '../definitions/workerDefinition';

/** Backoff delays vary by ±20 % so workers that crashed together do not restart in lockstep. */
export const BACKOFF_JITTER_RATIO = 0.2;

export interface ExitFacts {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly uptimeMs: number;
}

export type RestartDecision =
  /** `inWindow`: this restart's number among those the window allows (the 2 of "restart 2 of 5"). */
  | { readonly kind: 'restart'; readonly attempt: number; readonly delayMs: number; readonly inWindow: number }
  | { readonly kind: 'give-up'; readonly restarts: number; readonly windowMs: number }
  | { readonly kind: 'done' };

export function isCleanExit(exit: ExitFacts): boolean {
  return exit.code === 0 && exit.signal === null;
}

/** base × 2^(attempt−1), capped, with jitter; `random` is injectable so the curve can be checked. */
export function backoffDelay(policy: RestartPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = policy.backoffBaseMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.backoffMaxMs, exponential);
  const jitter = 1 + BACKOFF_JITTER_RATIO * (2 * random() - 1);
  return Math.round(Math.min(policy.backoffMaxMs, capped * jitter));
}

/** The restart bookkeeping of one worker: consecutive attempts and the restarts inside the window. */
export class RestartTracker {
  private attempts = 0;
  private restartTimes: number[] = [];

  get attempt(): number {
    return this.attempts;
  }

  /** Decides what follows an exit the user did not ask for. */
  decide(policy: RestartPolicy, exit: ExitFacts, now: number = Date.now()): RestartDecision {
    const clean = isCleanExit(exit);
    const wanted = policy.mode === 'always' || (policy.mode === 'on-failure' && !clean);
    if (!wanted) {
      return { kind: 'done' };
    }
    if (exit.uptimeMs >= policy.minUptimeMs) {
      this.attempts = 0;
    }
    this.restartTimes = this.restartTimes.filter((at) => now - at < policy.windowMs);
    if (this.restartTimes.length >= policy.maxRestarts) {
      return { kind: 'give-up', restarts: this.restartTimes.length, windowMs: policy.windowMs };
    }
    this.restartTimes.push(now);
    this.attempts += 1;
    return {
      kind: 'restart',
      attempt: this.attempts,
      delayMs: backoffDelay(policy, this.attempts),
      inWindow: this.restartTimes.length,
    };
  }
}
