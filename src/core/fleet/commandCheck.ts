import * as l10n from '@vscode/l10n';
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
    return l10n.t('a field (target, worker, action or nonce) is missing or longer than 256 characters');
  }
  if (issuedAtText === undefined || !/^\d{1,15}$/.test(issuedAtText)) {
    return l10n.t('"issuedAt" is not a time in milliseconds');
  }
  if (replyTo === undefined || !isHostId(replyTo)) {
    return l10n.t('"replyTo" is not a host id');
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
    return refused(fields.sig === undefined ? 'unsigned' : 'malformed', l10n.t('malformed command: {0}', read));
  }
  const { claims, replyTo, sig } = read;
  // Named arguments: every message names the command the same way, as one sentence a translator can reorder.
  const what = { action: claims.action, worker: claims.workerId, from: replyTo };
  if (sig === undefined || sig === '') {
    return refused('unsigned', l10n.t('unsigned command "{action}" for worker "{worker}" from {from}', what));
  }
  if (context.secret === undefined) {
    return refused(
      'no-secret',
      l10n.t('command "{action}" for worker "{worker}" from {from} refused: no fleet secret is set on this host', what),
    );
  }
  if (!verifyCommand(context.secret, claims, sig)) {
    return refused(
      'bad-signature',
      l10n.t('command "{action}" for worker "{worker}" from {from} has a wrong signature', what),
    );
  }
  const signed = { claims, replyTo };
  if (claims.targetHost !== context.selfHostId) {
    return refused(
      'wrong-target',
      l10n.t('command "{action}" for worker "{worker}" from {from} is addressed to {target}, not to this host', {
        ...what,
        target: claims.targetHost,
      }),
      signed,
    );
  }
  const age = context.now - claims.issuedAt;
  if (Math.abs(age) > COMMAND_MAX_AGE_MS) {
    const limit = COMMAND_MAX_AGE_MS / 1_000;
    return refused(
      'too-old',
      age > 0
        ? l10n.t('command "{action}" for worker "{worker}" from {from} is {age} s old; the limit is {limit} s', {
            ...what,
            age: Math.round(age / 1_000),
            limit,
          })
        : l10n.t(
            'command "{action}" for worker "{worker}" from {from} is dated {age} s ahead; the limit is {limit} s',
            {
              ...what,
              age: Math.round(-age / 1_000),
              limit,
            },
          ),
      signed,
    );
  }
  const verdict = context.nonces.claim(claims.nonce, entryId, context.now);
  if (verdict.kind === 'redelivered') {
    return { kind: 'redelivered', claims, replyTo, result: verdict.result };
  }
  if (verdict.kind === 'replayed') {
    return refused(
      'replayed',
      l10n.t('command "{action}" for worker "{worker}" from {from} replays a nonce already used', what),
      signed,
    );
  }
  if (verdict.kind === 'full') {
    return refused(
      'busy',
      l10n.t('command "{action}" for worker "{worker}" from {from} refused: too many commands within a minute', what),
      signed,
    );
  }
  if (!context.allowRemoteControl) {
    return refused(
      'remote-control-off',
      l10n.t('command "{action}" for worker "{worker}" from {from} refused: remote control is off on this host', what),
      signed,
    );
  }
  if (!isRemoteAction(claims.action)) {
    return refused(
      'bad-action',
      l10n.t(
        'command "{action}" for worker "{worker}" from {from} refused: only start, stop and restart are allowed',
        what,
      ),
      signed,
    );
  }
  if (!context.hasWorker(claims.workerId)) {
    return refused(
      'unknown-worker',
      l10n.t('command "{action}" for worker "{worker}" from {from} refused: no such worker here', what),
      signed,
    );
  }
  return { kind: 'run', action: claims.action, claims, replyTo };
}
