import * as l10n from '@vscode/l10n';
import {
  cut,
  Heartbeat,
  HEARTBEAT_VERSION,
  HostRole,
  MAX_COMMAND_LENGTH,
  MAX_HEARTBEAT_BYTES,
  MAX_PUBLISHED_SESSIONS,
  MAX_PUBLISHED_WORKERS,
  PublishedSession,
  PublishedWorker,
} from './heartbeat';
import { MAX_HEARTBEAT_SECONDS, MIN_HEARTBEAT_SECONDS } from './fleetSettings';

export type HeartbeatParse =
  { readonly ok: true; readonly heartbeat: Heartbeat } | { readonly ok: false; readonly reason: string };

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Thrown inside the parser only, to stop at the first bad field with its name. */
class BadField extends Error {}

function text(raw: Raw, key: string, max?: number): string {
  const value = raw[key];
  if (typeof value !== 'string') {
    throw new BadField(l10n.t('"{0}" is not a string', key));
  }
  return cut(value, max);
}

function count(raw: Raw, key: string): number {
  const value = raw[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new BadField(l10n.t('"{0}" is not a non-negative number', key));
  }
  return value;
}

function optionalCount(raw: Raw, key: string): number | null {
  return raw[key] === null || raw[key] === undefined ? null : count(raw, key);
}

function optionalText(raw: Raw, key: string): string | null {
  return raw[key] === null || raw[key] === undefined ? null : text(raw, key);
}

function list(raw: Raw, key: string, max: number): { items: unknown[]; dropped: number } {
  const value = raw[key];
  if (!Array.isArray(value)) {
    throw new BadField(l10n.t('"{0}" is not a list', key));
  }
  return { items: value.slice(0, max), dropped: Math.max(0, value.length - max) };
}

function readWorker(raw: unknown, index: number): PublishedWorker {
  if (!isObject(raw)) {
    throw new BadField(l10n.t('worker {0} is not an object', index));
  }
  return {
    id: text(raw, 'id'),
    label: text(raw, 'label'),
    state: text(raw, 'state'),
    health: text(raw, 'health'),
    pid: optionalCount(raw, 'pid'),
    uptimeMs: optionalCount(raw, 'uptimeMs'),
    cpuPercent: optionalCount(raw, 'cpuPercent'),
    rssBytes: optionalCount(raw, 'rssBytes'),
    restarts: count(raw, 'restarts'),
    command: text(raw, 'command', MAX_COMMAND_LENGTH),
    sessionState: optionalText(raw, 'sessionState'),
  };
}

function readSession(raw: unknown, index: number): PublishedSession {
  if (!isObject(raw)) {
    throw new BadField(l10n.t('session {0} is not an object', index));
  }
  return {
    id: text(raw, 'id'),
    title: text(raw, 'title'),
    state: text(raw, 'state'),
    inputTokens: count(raw, 'inputTokens'),
    outputTokens: count(raw, 'outputTokens'),
    costUsd: count(raw, 'costUsd'),
  };
}

function readRole(raw: Raw): HostRole {
  const role = raw.role;
  if (role !== 'window' && role !== 'peer') {
    throw new BadField(l10n.t('"role" is neither "window" nor "peer"'));
  }
  return role;
}

function readInterval(raw: Raw): number {
  const intervalMs = count(raw, 'intervalMs');
  if (intervalMs < MIN_HEARTBEAT_SECONDS * 1_000 || intervalMs > MAX_HEARTBEAT_SECONDS * 1_000) {
    throw new BadField(l10n.t('"intervalMs" is outside {0}–{1} s', MIN_HEARTBEAT_SECONDS, MAX_HEARTBEAT_SECONDS));
  }
  return intervalMs;
}

function readHeartbeat(raw: Raw): Heartbeat {
  if (raw.v !== HEARTBEAT_VERSION) {
    throw new BadField(l10n.t('version {0} is not {1}', JSON.stringify(raw.v), HEARTBEAT_VERSION));
  }
  const workers = list(raw, 'workers', MAX_PUBLISHED_WORKERS);
  const sessions = list(raw, 'sessions', MAX_PUBLISHED_SESSIONS);
  return {
    v: HEARTBEAT_VERSION,
    hostId: text(raw, 'hostId'),
    machine: text(raw, 'machine'),
    role: readRole(raw),
    name: text(raw, 'name'),
    version: text(raw, 'version'),
    intervalMs: readInterval(raw),
    remoteControl: raw.remoteControl === true,
    workers: workers.items.map(readWorker),
    sessions: sessions.items.map(readSession),
    omitted: Math.min(count(raw, 'omitted'), Number.MAX_SAFE_INTEGER) + workers.dropped + sessions.dropped,
  };
}

/**
 * Reads a heartbeat another host wrote, which may be anything: oversized, not JSON, wrong types. Lists
 * are cut to the published bounds and strings to their lengths; anything else wrong is one reason.
 * `truncated` says the reader fetched only the first MAX_HEARTBEAT_BYTES of a longer value.
 */
export function parseHeartbeat(value: string, truncated: boolean): HeartbeatParse {
  if (truncated || Buffer.byteLength(value) > MAX_HEARTBEAT_BYTES) {
    return { ok: false, reason: l10n.t('the heartbeat is larger than {0} KiB', MAX_HEARTBEAT_BYTES / 1024) };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch (error) {
    return {
      ok: false,
      reason: l10n.t('the heartbeat is not JSON ({0})', error instanceof Error ? error.message : l10n.t('parse error')),
    };
  }
  if (!isObject(raw)) {
    return { ok: false, reason: l10n.t('the heartbeat is not a JSON object') };
  }
  try {
    return { ok: true, heartbeat: readHeartbeat(raw) };
  } catch (error) {
    if (error instanceof BadField) {
      return { ok: false, reason: l10n.t('the heartbeat is malformed: {0}', error.message) };
    }
    throw error;
  }
}
