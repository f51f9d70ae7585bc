import * as l10n from '@vscode/l10n';
import * as os from 'node:os';

/** Who may look and who may touch: the fleet's settings, read from `shepherd.fleet.*` or the peer's flags. */
export interface FleetSettings {
  /** `redis://host:port[/db]` or `rediss://…`; never holds a password. */
  readonly redisUrl: string;
  /** Prefix of every key, so several fleets can share one Redis. */
  readonly namespace: string;
  /** The name this machine shows under in every view. */
  readonly machineName: string;
  readonly heartbeatSeconds: number;
  /** Whether signed commands from other machines may start, stop or restart workers here. */
  readonly allowRemoteControl: boolean;
  /** Whether full command lines are published; otherwise only the program name is. */
  readonly shareCommandLines: boolean;
}

/** Secrets kept out of settings, argv and URLs: SecretStorage in the editor, env or a 0600 file for a peer. */
export interface FleetSecrets {
  /** Redis ACL user; the default user when absent. */
  readonly redisUsername?: string;
  readonly redisPassword?: string;
  /** The shared key that signs remote commands; without it no command is sent or obeyed. */
  readonly fleetSecret?: string;
}

export const DEFAULT_NAMESPACE = 'shepherd';
/** Five seconds: a machine that vanished shows as stale within ten, and 100 peers cost Redis 20 writes/s. */
export const DEFAULT_HEARTBEAT_SECONDS = 5;
export const MIN_HEARTBEAT_SECONDS = 1;
/** Past ten minutes a heartbeat no longer tells anyone whether the machine is there. */
export const MAX_HEARTBEAT_SECONDS = 600;
/** Namespaces go into SCAN patterns: only characters that glob matching takes literally. */
const NAMESPACE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** A machine name is shown, not matched; the bound keeps one heartbeat small. */
export const MAX_MACHINE_NAME_LENGTH = 64;

export type FleetSettingsResult =
  | { readonly kind: 'off' }
  | { readonly kind: 'ok'; readonly settings: FleetSettings }
  | { readonly kind: 'invalid'; readonly errors: readonly string[] };

/** Checks a Redis URL: `redis:` or `rediss:`, a host, and no password. Returns the problem, if any. */
export function checkRedisUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return l10n.t('"redisUrl" is not a URL (expected redis://host:port or rediss://host:port)');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    return l10n.t('"redisUrl" must start with redis:// or rediss://, not {0}//', url.protocol);
  }
  if (url.password !== '') {
    const refused = l10n.t('"redisUrl" holds a password, which settings would expose; remove it from the URL.');
    const instead = l10n.t('Run "Shepherd: Connect to Fleet…" to keep it in the editor\'s secret storage.');
    const peer = l10n.t('A headless peer reads SHEPHERD_REDIS_PASSWORD or its 0600 secrets file.');
    return `${refused} ${instead} ${peer}`;
  }
  if (url.hostname === '') {
    return l10n.t('"redisUrl" names no host');
  }
  return undefined;
}

/** The default machine name: the host name, cut to the bound. */
export function defaultMachineName(): string {
  return os.hostname().slice(0, MAX_MACHINE_NAME_LENGTH) || 'unnamed';
}

function readBoolean(raw: Record<string, unknown>, key: string, errors: string[]): boolean {
  const value = raw[key];
  if (value === undefined) {
    return false;
  }
  if (typeof value !== 'boolean') {
    errors.push(l10n.t('"{0}" must be true or false', key));
    return false;
  }
  return value;
}

function readOptionalString(raw: Record<string, unknown>, key: string, errors: string[]): string | undefined {
  const value = raw[key];
  if (value === undefined || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    errors.push(l10n.t('"{0}" must be a string', key));
    return undefined;
  }
  return value.trim();
}

function readNamespace(raw: Record<string, unknown>, errors: string[]): string {
  const namespace = readOptionalString(raw, 'namespace', errors) ?? DEFAULT_NAMESPACE;
  if (!NAMESPACE_PATTERN.test(namespace)) {
    errors.push(l10n.t('"namespace" must be 1 to 64 letters, digits, "_", "." or "-"'));
  }
  return namespace;
}

function readMachineName(raw: Record<string, unknown>, errors: string[]): string {
  const name = readOptionalString(raw, 'machineName', errors) ?? defaultMachineName();
  if (name.length > MAX_MACHINE_NAME_LENGTH || /[\u0000-\u001f]/.test(name)) {
    errors.push(l10n.t('"machineName" must be at most {0} printable characters', MAX_MACHINE_NAME_LENGTH));
  }
  return name;
}

function readHeartbeatSeconds(raw: Record<string, unknown>, errors: string[]): number {
  const value = raw.heartbeatSeconds;
  if (value === undefined) {
    return DEFAULT_HEARTBEAT_SECONDS;
  }
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < MIN_HEARTBEAT_SECONDS ||
    value > MAX_HEARTBEAT_SECONDS
  ) {
    errors.push(
      l10n.t('"heartbeatSeconds" must be a whole number from {0} to {1}', MIN_HEARTBEAT_SECONDS, MAX_HEARTBEAT_SECONDS),
    );
    return DEFAULT_HEARTBEAT_SECONDS;
  }
  return value;
}

/**
 * Reads the fleet settings from untrusted input (`shepherd.fleet.*` as an object, or a peer's flags).
 * No URL means the fleet is off, as before it existed; every other problem is named by field.
 */
export function parseFleetSettings(raw: Record<string, unknown>): FleetSettingsResult {
  const errors: string[] = [];
  const redisUrl = readOptionalString(raw, 'redisUrl', errors);
  if (redisUrl === undefined) {
    return errors.length > 0 ? { kind: 'invalid', errors } : { kind: 'off' };
  }
  const urlProblem = checkRedisUrl(redisUrl);
  if (urlProblem !== undefined) {
    errors.push(urlProblem);
  }
  const settings: FleetSettings = {
    redisUrl,
    namespace: readNamespace(raw, errors),
    machineName: readMachineName(raw, errors),
    heartbeatSeconds: readHeartbeatSeconds(raw, errors),
    allowRemoteControl: readBoolean(raw, 'allowRemoteControl', errors),
    shareCommandLines: readBoolean(raw, 'shareCommandLines', errors),
  };
  return errors.length > 0 ? { kind: 'invalid', errors } : { kind: 'ok', settings };
}
