/** A command older than this is refused, so a nonce needs remembering only this long (plus clock skew). */
export const COMMAND_MAX_AGE_MS = 60_000;
/** Far more commands than a person sends in two minutes; past it new ones are refused, never forgotten. */
export const MAX_REMEMBERED_NONCES = 10_000;

export type NonceVerdict =
  /** First time seen: the command may run. */
  | { readonly kind: 'new' }
  /** The same stream entry again (redelivered after a reconnect): answer again, run nothing. */
  | { readonly kind: 'redelivered'; readonly result: { ok: boolean; message: string } | undefined }
  /** The same nonce in another entry: a replay. */
  | { readonly kind: 'replayed' }
  | { readonly kind: 'full' };

interface Seen {
  readonly entryId: string;
  readonly expiresAt: number;
  result: { ok: boolean; message: string } | undefined;
}

/**
 * The nonces of the commands a host accepted within the age limit, with the stream entry each came in
 * and its result, so a redelivered entry is answered without running twice and a copied one is refused.
 */
export class NonceBook {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly windowMs: number = 2 * COMMAND_MAX_AGE_MS) {}

  /** Records `nonce` as taken by `entryId` when it is new. */
  claim(nonce: string, entryId: string, now: number): NonceVerdict {
    this.prune(now);
    const earlier = this.seen.get(nonce);
    if (earlier) {
      return earlier.entryId === entryId ? { kind: 'redelivered', result: earlier.result } : { kind: 'replayed' };
    }
    if (this.seen.size >= MAX_REMEMBERED_NONCES) {
      return { kind: 'full' };
    }
    this.seen.set(nonce, { entryId, expiresAt: now + this.windowMs, result: undefined });
    return { kind: 'new' };
  }

  settle(nonce: string, result: { ok: boolean; message: string }): void {
    const entry = this.seen.get(nonce);
    if (entry) {
      entry.result = result;
    }
  }

  private prune(now: number): void {
    // Insertion order is expiry order: stop at the first entry still valid.
    for (const [nonce, entry] of this.seen) {
      if (entry.expiresAt > now) {
        break;
      }
      this.seen.delete(nonce);
    }
  }
}
