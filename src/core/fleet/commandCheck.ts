import { CommandClaims, isRemoteAction, RemoteAction, verifyCommand } from './commandSigning';
import { isHostId } from './fleetKeys';
import { COMMAND_MAX_AGE_MS, NonceBook } from './nonceBook';

/** Why a receiver refused a command; each is logged to the activity log with its words. */
export type RefusalKind =
  | 'malformed'
  | 'unsigned'
  | 'no-secret'
  | 'bad-signature'
  | 'wrong-target'
  | 'too-old'
  | 'replayed'
  | 'remote-control-off'
  | 'bad-action'
  | 'unknown-worker'
  | 'busy';

export interface CheckContext {
  readonly namespace: string;
  readonly selfHostId: string;
  readonly secret: string | undefined;
  readonly allowRemoteControl: boolean;
  readonly now: number;
  readonly nonces: NonceBook;
  readonly hasWorker: (id: string) => boolean;
}

export type CheckResult =
  | { readonly kind: 'run'; readonly action: RemoteAction; readonly claims: CommandClaims; readonly replyTo: string }
  | {
      readonly kind: 'redelivered';
      readonly claims: CommandClaims;
      readonly replyTo: string;
      /** Undefined while the first delivery is still running. */
      readonly result: { readonly ok: boolean; readonly message: string } | undefined;
    }
  | {
      readonly kind: 'refused';
      readonly refusal: RefusalKind;
      readonly reason: string;
      /** Set only when the signature held: nobody else gets an answer (or a way to make us send one). */
      readonly replyTo?: string;
      readonly claims?: CommandClaims;
    };

/** Field names of a command entry in `<ns>:cmd:<hostId>`. */
export interface CommandFields {
  readonly target: string;
  readonly worker: string;
  readonly action: string;
  readonly nonce: string;
  readonly issuedAt: string;
  readonly replyTo: string;
  readonly sig: string;
}

const MAX_FIELD_LENGTH = 256;

function field(fields: Readonly<Record<string, string>>, name: keyof CommandFields): string | undefined {
  const value = fields[name];
  return typeof value === 'string' && value.length <= MAX_FIELD_LENGTH ? value : undefined;
}

function refused(
  refusal: RefusalKind,
  reason: string,
  signed?: { claims: CommandClaims; replyTo: string },
): CheckResult {
  return { kind: 'refused', refusal, reason, ...(signed ?? {}) };
}

/** The claims an entry makes, before anything is believed. */
function readClaims(
  namespace: string,
  fields: Readonly<Record<string, string>>,
): { claims: CommandClaims; replyTo: string; sig: string | undefined } | string {
  const target = field(fields, 'target');
  const worker = field(fields, 'worker');
  const action = field(fields, 'action');
  const nonce = field(fields, 'nonce');
  const issuedAtText = field(fields, 'issuedAt');
  const replyTo = field(fields, 'replyTo');
  if (target === undefined || worker === undefined || action === undefined || nonce === undefined) {
    return 'a field (target, worker, action or nonce) is missing or longer than 256 characters';
  }
  if (issuedAtText === undefined || !/^\d{1,15}$/.test(issuedAtText)) {
    return '"issuedAt" is not a time in milliseconds';
  }
  if (replyTo === undefined || !isHostId(replyTo)) {
    return '"replyTo" is not a host id';
  }
  const claims: CommandClaims = {
    namespace,
    targetHost: target,
    workerId: worker,
    action,
    nonce,
    issuedAt: Number(issuedAtText),
  };
  return { claims, replyTo, sig: field(fields, 'sig') };
}

/**
 * Decides whether an entry read from this host's command stream may run. Order matters for the log:
 * authenticity first (an unsigned or forged entry says nothing trustworthy about anything else),
 * then address, freshness and replay, then whether this host allows it and whether it makes sense.
 */
export function checkCommand(
  entryId: string,
  fields: Readonly<Record<string, string>>,
  context: CheckContext,
): CheckResult {
  const read = readClaims(context.namespace, fields);
  if (typeof read === 'string') {
    return refused(fields.sig === undefined ? 'unsigned' : 'malformed', `malformed command: ${read}`);
  }
  const { claims, replyTo, sig } = read;
  const what = `"${claims.action}" for worker "${claims.workerId}" from ${replyTo}`;
  if (sig === undefined || sig === '') {
    return refused('unsigned', `unsigned command ${what}`);
  }
  if (context.secret === undefined) {
    return refused('no-secret', `command ${what} refused: no fleet secret is set on this host`);
  }
  if (!verifyCommand(context.secret, claims, sig)) {
    return refused('bad-signature', `command ${what} has a wrong signature`);
  }
  const signed = { claims, replyTo };
  if (claims.targetHost !== context.selfHostId) {
    return refused('wrong-target', `command ${what} is addressed to ${claims.targetHost}, not to this host`, signed);
  }
  const age = context.now - claims.issuedAt;
  if (Math.abs(age) > COMMAND_MAX_AGE_MS) {
    const when = age > 0 ? `${Math.round(age / 1_000)} s old` : `dated ${Math.round(-age / 1_000)} s ahead`;
    return refused('too-old', `command ${what} is ${when}; the limit is ${COMMAND_MAX_AGE_MS / 1_000} s`, signed);
  }
  const verdict = context.nonces.claim(claims.nonce, entryId, context.now);
  if (verdict.kind === 'redelivered') {
    return { kind: 'redelivered', claims, replyTo, result: verdict.result };
  }
  if (verdict.kind === 'replayed') {
    return refused('replayed', `command ${what} replays a nonce already used`, signed);
  }
  if (verdict.kind === 'full') {
    return refused('busy', `command ${what} refused: too many commands within a minute`, signed);
  }
  if (!context.allowRemoteControl) {
    return refused('remote-control-off', `command ${what} refused: remote control is off on this host`, signed);
  }
  if (!isRemoteAction(claims.action)) {
    return refused('bad-action', `command ${what} refused: only start, stop and restart are allowed`, signed);
  }
  if (!context.hasWorker(claims.workerId)) {
    return refused('unknown-worker', `command ${what} refused: no such worker here`, signed);
  }
  return { kind: 'run', action: claims.action, claims, replyTo };
}
