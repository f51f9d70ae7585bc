import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The only things a remote command may do. There is no remote "run this command line", ever. */
export type RemoteAction = 'start' | 'stop' | 'restart';
export const REMOTE_ACTIONS: readonly RemoteAction[] = ['start', 'stop', 'restart'];

/** What the sender signs: every field that decides what runs where, and when. */
export interface CommandClaims {
  readonly namespace: string;
  readonly targetHost: string;
  readonly workerId: string;
  readonly action: string;
  readonly nonce: string;
  /** Epoch milliseconds on the sender's clock. */
  readonly issuedAt: number;
}

/** What a receiver signs when it answers: the command it answers and the outcome. */
export interface ReplyClaims {
  readonly namespace: string;
  readonly senderHost: string;
  readonly nonce: string;
  readonly ok: boolean;
  readonly message: string;
}

/** 128 bits: a nonce that two senders never draw twice. */
const NONCE_BYTES = 16;

/** A fresh random nonce, hex. */
export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString('hex');
}

/**
 * HMAC-SHA256 over a JSON array of the fields: the encoding is unambiguous, so no two different
 * commands share a signed text (a worker id cannot swallow the action that follows it).
 */
function hmac(secret: string, fields: readonly unknown[]): string {
  return createHmac('sha256', secret).update(JSON.stringify(fields)).digest('hex');
}

function commandFields(claims: CommandClaims): unknown[] {
  return ['cmd/v1', claims.namespace, claims.targetHost, claims.workerId, claims.action, claims.nonce, claims.issuedAt];
}

function replyFields(claims: ReplyClaims): unknown[] {
  return ['reply/v1', claims.namespace, claims.senderHost, claims.nonce, claims.ok, claims.message];
}

/** Compares in constant time; a signature of the wrong length is simply wrong. */
function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function signCommand(secret: string, claims: CommandClaims): string {
  return hmac(secret, commandFields(claims));
}

export function verifyCommand(secret: string, claims: CommandClaims, signature: string): boolean {
  return sameSignature(signCommand(secret, claims), signature);
}

export function signReply(secret: string, claims: ReplyClaims): string {
  return hmac(secret, replyFields(claims));
}

export function verifyReply(secret: string, claims: ReplyClaims, signature: string): boolean {
  return sameSignature(signReply(secret, claims), signature);
}

export function isRemoteAction(value: string): value is RemoteAction {
  return (REMOTE_ACTIONS as readonly string[]).includes(value);
}
