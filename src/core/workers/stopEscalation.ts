/**
 * The force-kill switch of one stop in flight. A stop waits out its grace period before SIGKILL; a
 * second, more urgent stop of the same worker (shutdown's short grace, a forced kill from the UI)
 * must not wait out that grace too, so it shortens it here instead of starting a stop of its own.
 * It also knows when SIGKILL is due, so the editor can count down to it.
 */
export class StopEscalation {
  private readonly controller = new AbortController();
  /** Undo the timers and listeners that may abort it, once the stop is over. */
  private readonly cleanups: Array<() => void> = [];
  private due = Infinity;

  /** Called whenever the SIGKILL deadline moves earlier, with the new deadline (epoch ms). */
  constructor(private readonly onEarlier: (killAt: number) => void = () => undefined) {}

  /** Aborts when the stop must send SIGKILL now; hand it to terminateGroup as `forceKill`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Epoch milliseconds when SIGKILL is due; Infinity until some grace applies. */
  get killAt(): number {
    return this.due;
  }

  /** Makes the stop send SIGKILL after `graceMs` from now, or as soon as `forceKill` aborts. */
  escalate(graceMs: number | undefined, forceKill: AbortSignal | undefined): void {
    const abort = (): void => {
      this.moveDeadline(Date.now());
      this.controller.abort();
    };
    if (forceKill?.aborted) {
      abort();
    } else if (forceKill) {
      forceKill.addEventListener('abort', abort, { once: true });
      this.cleanups.push(() => forceKill.removeEventListener('abort', abort));
    }
    if (graceMs !== undefined && !this.controller.signal.aborted) {
      this.moveDeadline(Date.now() + graceMs);
      const timer = setTimeout(abort, graceMs);
      timer.unref();
      this.cleanups.push(() => clearTimeout(timer));
    }
  }

  /** The stop is over: no timer or listener of it may fire or stay referenced. */
  dispose(): void {
    for (const cleanup of this.cleanups.splice(0)) {
      cleanup();
    }
  }

  private moveDeadline(at: number): void {
    if (at < this.due) {
      this.due = at;
      this.onEarlier(at);
    }
  }
}
