import { isPidAlive } from '../process/processGroup';
import { readProcStatSync, readStartToken } from '../process/procfs';

/**
 * Every worker's environment names the extension host that started it. Children inherit the
 * environment, and so do descendants that leave the worker's process group with setsid(): a later
 * activation can find them all in /proc even when no status file or journal names them.
 */
export const OWNER_MARK_VAR = 'SHEPHERD_OWNER';

/** One incarnation of an extension host: its PID and the start token that tells it from a reuse. */
export interface HostIdentity {
  readonly pid: number;
  readonly startToken: string | undefined;
}

/** This process, named synchronously (its start time is read from /proc/self on Linux). */
export function currentHost(): HostIdentity {
  const stat = readProcStatSync(process.pid);
  return { pid: process.pid, startToken: stat ? `ticks:${stat.startTimeTicks}` : undefined };
}

/** The mark's value: `<pid>/<start token>`. Neither part is a secret; both are in /proc for anyone. */
export function formatOwnerMark(host: HostIdentity): string {
  return `${host.pid}/${host.startToken ?? ''}`;
}

/** Reads a mark back, or undefined when it is not one this code wrote. */
export function parseOwnerMark(value: string): HostIdentity | undefined {
  const match = /^(\d{1,10})\/([\w:.-]{0,64})$/.exec(value);
  if (!match) {
    return undefined;
  }
  const pid = Number(match[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    return undefined;
  }
  return { pid, startToken: match[2] === '' ? undefined : match[2] };
}

/** A file name stem naming one host incarnation, for the files it leaves (journal, sentinel log). */
export function hostFileStem(host: HostIdentity): string {
  // The mark's '/' cannot be in a file name; ':' can, but is awkward on Windows file systems.
  return formatOwnerMark(host).replace(/[/:]/g, '_');
}

/** Reads a stem back (see hostFileStem), or undefined when `stem` is not one. */
export function parseHostFileStem(stem: string): HostIdentity | undefined {
  const match = /^(\d+)_(?:ticks_(\d+))?$/.exec(stem);
  return match ? parseOwnerMark(`${match[1]}/${match[2] === undefined ? '' : `ticks:${match[2]}`}`) : undefined;
}

/** The variables that mark a worker as `host`'s, for SupervisorOptions.extraEnv. */
export function ownerMarkEnv(host: HostIdentity): Record<string, string> {
  return { [OWNER_MARK_VAR]: formatOwnerMark(host) };
}

/**
 * True while the host that wrote a mark still runs as the same incarnation. A zombie counts as
 * dead (a container whose PID 1 never reaps keeps it for ever). Without a start token (off Linux)
 * a live PID is taken for the host: a sibling window's workers must never be stopped, so a reused
 * PID then delays recovery rather than risking that.
 */
export async function isHostAlive(host: HostIdentity): Promise<boolean> {
  if (!(await isPidAlive(host.pid))) {
    return false;
  }
  return host.startToken === undefined || (await readStartToken(host.pid)) === host.startToken;
}
