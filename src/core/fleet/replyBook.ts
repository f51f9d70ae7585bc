import type { RemoteResult } from './commandChannel';

/**
 * The commands a host sent and still waits to hear about, by nonce. A window's book outlives its
 * member: when a settings change rebuilds the member, the answer still arrives on the same reply
 * stream, and the new member's channel hands it to the wait the old one started.
 */
export class ReplyBook {
  private readonly waiting = new Map<string, (result: RemoteResult) => void>();

  get size(): number {
    return this.waiting.size;
  }

  /** Resolves with the answer to `nonce`, or with `timedOut` once `timeoutMs` passed without one. */
  wait(nonce: string, timeoutMs: number, timedOut: RemoteResult): Promise<RemoteResult> {
    return new Promise<RemoteResult>((resolve) => {
      const timer = setTimeout(() => this.settle(nonce, timedOut), timeoutMs);
      this.waiting.set(nonce, (result) => {
        clearTimeout(timer);
        this.waiting.delete(nonce);
        resolve(result);
      });
    });
  }

  /** Whether a wait for `nonce` is open (an answer to anything else is not this host's business). */
  expects(nonce: string): boolean {
    return this.waiting.has(nonce);
  }

  /** Ends the wait for `nonce` with `result`; nothing if none is open. */
  settle(nonce: string, result: RemoteResult): void {
    this.waiting.get(nonce)?.(result);
  }

  /** Ends every open wait with a failure saying why no answer will come. */
  failAll(message: string): void {
    for (const nonce of [...this.waiting.keys()]) {
      this.settle(nonce, { ok: false, message });
    }
  }
}
