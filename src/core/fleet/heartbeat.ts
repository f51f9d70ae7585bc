import { SessionView } from '../../shared/sessionModel';
import { WorkerView } from '../workers/workerView';

/** A window of the editor or a headless peer: both publish the same heartbeat. */
export type HostRole = 'window' | 'peer';

/** One worker as another machine sees it: no env, no cwd, and the command line only when shared. */
export interface PublishedWorker {
  readonly id: string;
  readonly label: string;
  readonly state: string;
  readonly health: string;
  readonly pid: number | null;
  /** Milliseconds the current process had run when the heartbeat was written. */
  readonly uptimeMs: number | null;
  readonly cpuPercent: number | null;
  readonly rssBytes: number | null;
  readonly restarts: number;
  /** The program name; the whole (masked) command line only with `shareCommandLines`. */
  readonly command: string;
  readonly sessionState: string | null;
}

export interface PublishedSession {
  readonly id: string;
  readonly title: string;
  readonly state: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

/** The value of `<ns>:host:<hostId>`. */
export interface Heartbeat extends Omit<HeartbeatIdentity, 'shareCommandLines'> {
  readonly v: 1;
  readonly workers: readonly PublishedWorker[];
  readonly sessions: readonly PublishedSession[];
  /** Workers and sessions left out to keep the heartbeat bounded. */
  readonly omitted: number;
}

/** The version every heartbeat carries; a reader refuses others rather than guess. */
export const HEARTBEAT_VERSION = 1;
/** 256 workers cover the largest setups we know of (the bench runs 128) in well under 256 KiB. */
export const MAX_PUBLISHED_WORKERS = 256;
export const MAX_PUBLISHED_SESSIONS = 64;
/** Labels, ids and names longer than this are cut: a view row has no room for more anyway. */
export const MAX_TEXT_LENGTH = 200;
/** A shared command line is cut here so one worker cannot fill the heartbeat. */
export const MAX_COMMAND_LENGTH = 1_000;
/** A reader fetches at most this much of a value: a hostile peer cannot make the view download megabytes. */
export const MAX_HEARTBEAT_BYTES = 256 * 1024;

/** Who publishes a heartbeat, and what it lets others see and do. */
export interface HeartbeatIdentity {
  readonly hostId: string;
  readonly machine: string;
  readonly role: HostRole;
  /** The window's workspace or the peer's name. */
  readonly name: string;
  readonly version: string;
  readonly intervalMs: number;
  /** Whether this host obeys signed commands; the view offers Stop only where it would work. */
  readonly remoteControl: boolean;
  /** Publish whole command lines rather than the program name; never part of the heartbeat itself. */
  readonly shareCommandLines: boolean;
}

export function cut(text: string, max: number = MAX_TEXT_LENGTH): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The program of a command line: its first word without the folder, never its arguments. */
export function programName(commandLine: string): string {
  const first = commandLine.trim().split(/\s+/, 1)[0] ?? '';
  return cut(first.slice(first.lastIndexOf('/') + 1));
}

function publishWorker(view: WorkerView, now: number, shareCommandLines: boolean): PublishedWorker {
  return {
    id: cut(view.id),
    label: cut(view.label),
    state: view.state,
    health: view.health,
    pid: view.pid ?? null,
    uptimeMs: view.startedAt === undefined || view.pid === undefined ? null : Math.max(0, now - view.startedAt),
    cpuPercent: view.cpuPercent ?? null,
    rssBytes: view.rssBytes ?? null,
    restarts: view.restartCount,
    // The view's command line already has secret-looking arguments masked; env values are never in it.
    command: shareCommandLines ? cut(view.commandLine, MAX_COMMAND_LENGTH) : programName(view.commandLine),
    sessionState: view.sessionState ?? null,
  };
}

function publishSession(view: SessionView): PublishedSession {
  return {
    id: cut(view.id),
    title: cut(view.title),
    state: view.state,
    inputTokens: view.usage.inputTokens,
    outputTokens: view.usage.outputTokens,
    costUsd: view.usage.costUsd,
  };
}

/** The heartbeat of one host: identity plus a bounded snapshot of its workers and sessions. */
export function buildHeartbeat(
  identity: HeartbeatIdentity,
  workers: readonly WorkerView[],
  sessions: readonly SessionView[],
  now: number = Date.now(),
): Heartbeat {
  const keptWorkers = workers.slice(0, MAX_PUBLISHED_WORKERS);
  const keptSessions = sessions.slice(0, MAX_PUBLISHED_SESSIONS);
  return {
    v: HEARTBEAT_VERSION,
    hostId: identity.hostId,
    machine: cut(identity.machine),
    role: identity.role,
    name: cut(identity.name),
    version: cut(identity.version),
    intervalMs: identity.intervalMs,
    remoteControl: identity.remoteControl,
    workers: keptWorkers.map((view) => publishWorker(view, now, identity.shareCommandLines)),
    sessions: keptSessions.map(publishSession),
    omitted: workers.length - keptWorkers.length + (sessions.length - keptSessions.length),
  };
}
