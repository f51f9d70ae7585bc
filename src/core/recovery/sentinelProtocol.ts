import { WatchedGroup } from './groupWatcher';

/**
 * What the extension host tells its sentinel over the IPC channel. The sentinel acts on the
 * channel closing: with a goodbye first, the host ended in order and the sentinel just exits;
 * without one, the host died and the sentinel stops every group still on its list.
 */
export type HostMessage =
  | { readonly type: 'started'; readonly group: WatchedGroup }
  | { readonly type: 'ended'; readonly pgid: number; readonly startToken: string | undefined }
  | { readonly type: 'goodbye' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isGroupId(value: unknown): value is number {
  // Group 1 (or 0, or negative) would make kill(-pgid) signal far more than one worker.
  return typeof value === 'number' && Number.isInteger(value) && value > 1;
}

function isOptionalToken(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

function checkGroup(value: unknown): WatchedGroup | string {
  if (!isObject(value)) {
    return '"group" is not an object';
  }
  if (!isGroupId(value.pgid)) {
    return '"group.pgid" is not a usable process group id';
  }
  if (!isOptionalToken(value.startToken)) {
    return '"group.startToken" is not a string';
  }
  if (typeof value.workerId !== 'string' || typeof value.label !== 'string') {
    return '"group.workerId" or "group.label" is not a string';
  }
  if (typeof value.graceMs !== 'number' || !Number.isFinite(value.graceMs) || value.graceMs < 0) {
    return '"group.graceMs" is not a duration';
  }
  return {
    workerId: value.workerId,
    label: value.label,
    pgid: value.pgid,
    startToken: value.startToken,
    graceMs: value.graceMs,
  };
}

/** Validates one message from the host, or says what is wrong with it. */
export function parseHostMessage(value: unknown): HostMessage | { readonly problem: string } {
  if (!isObject(value)) {
    return { problem: 'the message is not an object' };
  }
  switch (value.type) {
    case 'goodbye':
      return { type: 'goodbye' };
    case 'ended':
      if (!isGroupId(value.pgid) || !isOptionalToken(value.startToken)) {
        return { problem: '"ended" does not name a process group' };
      }
      return { type: 'ended', pgid: value.pgid, startToken: value.startToken };
    case 'started': {
      const group = checkGroup(value.group);
      return typeof group === 'string' ? { problem: group } : { type: 'started', group };
    }
    default:
      return { problem: `unknown message type ${JSON.stringify(value.type)}` };
  }
}
