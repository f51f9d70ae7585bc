import * as l10n from '@vscode/l10n';
import { performance } from 'node:perf_hooks';
import { ErrorReply } from '@redis/client';
import { Heartbeat, MAX_HEARTBEAT_BYTES } from './heartbeat';
import { parseHeartbeat } from './heartbeatParser';
import { hostIdOfKey, hostPattern } from './fleetKeys';
import { RedisLink } from './redisLink';

/** A machine is stale once it missed two heartbeats; its key expires (and it is gone) after three. */
export const STALE_AFTER_INTERVALS = 2;
export const TTL_INTERVALS = 3;
/** Keys asked for per SCAN call: a hint to Redis, large enough that 100 hosts take one or two calls. */
export const SCAN_COUNT = 1_000;
/** Heartbeats read per pipelined batch: one write, one round trip, a bounded reply. */
export const READ_BATCH = 10;
/** Longest stretch of heartbeat parsing before the event loop gets a turn (the editor's goal is p99 < 10 ms). */
export const PARSE_SLICE_MS = 2;
/** A namespace with more hosts than this is not one fleet; the rest are reported, not read. */
export const MAX_HOSTS = 2_000;

export type HostStatus = 'online' | 'stale';

export type DiscoveredHost =
  | {
      readonly kind: 'host';
      readonly hostId: string;
      readonly heartbeat: Heartbeat;
      /** Milliseconds since the host last wrote its heartbeat, from the key's TTL (Redis's clock only). */
      readonly ageMs: number;
      readonly status: HostStatus;
    }
  | { readonly kind: 'error'; readonly hostId: string; readonly reason: string };

export interface DiscoveryRound {
  readonly hosts: readonly DiscoveredHost[];
  /** SCAN calls the round took. */
  readonly scanCalls: number;
  /** Keys beyond MAX_HOSTS, not read. */
  readonly skipped: number;
}

/**
 * Every heartbeat key of the namespace: SCAN from cursor 0 until Redis returns 0, duplicates dropped
 * (SCAN may return a key twice while the table rehashes). KEYS is never used: it blocks Redis for the
 * whole keyspace in one call.
 */
export async function scanHostKeys(link: RedisLink, namespace: string): Promise<{ keys: string[]; calls: number }> {
  const keys = new Set<string>();
  let cursor = '0';
  let calls = 0;
  do {
    const reply = await link.call('SCAN', (client) =>
      client.scan(cursor, { MATCH: hostPattern(namespace), COUNT: SCAN_COUNT }),
    );
    calls++;
    cursor = String(reply.cursor);
    for (const key of reply.keys) {
      keys.add(String(key));
    }
  } while (cursor !== '0');
  return { keys: [...keys].sort(), calls };
}

type Settled<T> = PromiseSettledResult<T>;

/** Rethrows a failure that is not a Redis error reply: the connection broke, and the round with it. */
function replyOrError<T>(result: Settled<T>): { value: T } | { error: string } {
  if (result.status === 'fulfilled') {
    return { value: result.value };
  }
  if (result.reason instanceof ErrorReply) {
    return { error: result.reason.message };
  }
  throw result.reason;
}

function toHost(hostId: string, value: string, pttl: number): DiscoveredHost | undefined {
  if (pttl === -2) {
    return undefined; // expired between SCAN and the read: the host is gone.
  }
  const parsed = parseHeartbeat(value, Buffer.byteLength(value) > MAX_HEARTBEAT_BYTES);
  if (!parsed.ok) {
    return { kind: 'error', hostId, reason: parsed.reason };
  }
  const heartbeat = parsed.heartbeat;
  if (heartbeat.hostId !== hostId) {
    return { kind: 'error', hostId, reason: l10n.t('the heartbeat claims to be "{0}"', heartbeat.hostId) };
  }
  if (pttl < 0) {
    return {
      kind: 'error',
      hostId,
      reason: l10n.t('the heartbeat has no expiry, so it cannot tell whether the host is alive'),
    };
  }
  const ageMs = Math.max(0, TTL_INTERVALS * heartbeat.intervalMs - pttl);
  const status: HostStatus = ageMs >= STALE_AFTER_INTERVALS * heartbeat.intervalMs ? 'stale' : 'online';
  return { kind: 'host', hostId, heartbeat, ageMs, status };
}

/** Reads one batch of heartbeats in one pipeline: a bounded GETRANGE and a PTTL per key. */
async function readBatch(link: RedisLink, namespace: string, keys: readonly string[]): Promise<DiscoveredHost[]> {
  const replies = await link.call(l10n.t('reading {0} heartbeats', keys.length), (client) =>
    // Issued in one tick, the commands leave in one write (node-redis pipelines them).
    Promise.all(
      keys.map((key) => Promise.allSettled([client.getRange(key, 0, MAX_HEARTBEAT_BYTES), client.pTTL(key)])),
    ),
  );
  const hosts: DiscoveredHost[] = [];
  let sliceStart = performance.now();
  for (const [index, [valueResult, ttlResult]] of replies.entries()) {
    // A heartbeat of 128 workers takes about a millisecond to parse and check: a hundred in one go held
    // the editor's event loop for over 100 ms, so the loop gets a turn between slices.
    if (performance.now() - sliceStart > PARSE_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    const hostId = hostIdOfKey(namespace, keys[index]) ?? keys[index];
    const value = replyOrError(valueResult);
    const ttl = replyOrError(ttlResult);
    if ('error' in value || 'error' in ttl) {
      const reason = 'error' in value ? value.error : 'error' in ttl ? ttl.error : '';
      hosts.push({ kind: 'error', hostId, reason: l10n.t('its key cannot be read: {0}', reason) });
      continue;
    }
    const host = toHost(hostId, String(value.value), Number(ttl.value));
    if (host) {
      hosts.push(host);
    }
  }
  return hosts;
}

/** One discovery round: SCAN for heartbeat keys, then read them in pipelined batches. */
export async function discoverHosts(link: RedisLink, namespace: string): Promise<DiscoveryRound> {
  const { keys, calls } = await scanHostKeys(link, namespace);
  const kept = keys.slice(0, MAX_HOSTS);
  const hosts: DiscoveredHost[] = [];
  for (let start = 0; start < kept.length; start += READ_BATCH) {
    hosts.push(...(await readBatch(link, namespace, kept.slice(start, start + READ_BATCH))));
  }
  return { hosts, scanCalls: calls, skipped: keys.length - kept.length };
}
