/** Host ids go into keys and SCAN patterns: only characters glob matching takes literally. */
const HOST_ID_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

export function isHostId(text: string): boolean {
  return HOST_ID_PATTERN.test(text);
}

/** A host id from any name: unsafe characters become dashes. */
export function toHostId(name: string): string {
  const id = name
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return id === '' ? 'host' : id;
}

/** `<ns>:host:<hostId>`: the heartbeat, a string with a TTL of three intervals. */
export function hostKey(namespace: string, hostId: string): string {
  return `${namespace}:host:${hostId}`;
}

/** The SCAN pattern that matches every heartbeat of a namespace and nothing else. */
export function hostPattern(namespace: string): string {
  return `${namespace}:host:*`;
}

/** The host id at the end of a heartbeat key, or undefined for a key that is not one. */
export function hostIdOfKey(namespace: string, key: string): string | undefined {
  const prefix = `${namespace}:host:`;
  return key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
}

/** `<ns>:cmd:<hostId>`: the stream of signed commands addressed to a host. */
export function commandStream(namespace: string, hostId: string): string {
  return `${namespace}:cmd:${hostId}`;
}

/** `<ns>:reply:<hostId>`: the stream where receivers answer the commands a host sent. */
export function replyStream(namespace: string, hostId: string): string {
  return `${namespace}:reply:${hostId}`;
}

/** Every host reads its two streams as this consumer group. */
export const CONSUMER_GROUP = 'shepherd';
