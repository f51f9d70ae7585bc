import * as l10n from '@vscode/l10n';
import { SessionView } from '../../shared/sessionModel';
import { canRestart, canStart, canStop, hasProcess } from '../../core/workers/workerCapabilities';
import { describeExit } from '../../core/workers/exitWording';
import { EXITED_STATES } from '../../core/workers/workerStates';
import { WorkerState, WorkerView } from '../../core/workers/workerView';
import { WorkerSource } from '../../core/definitions/workerDefinition';

/** Plain-text presentation of workers, shared by the tree, the picker and the status bar. No vscode here. */

export type GroupBy = 'source' | 'state' | 'none';
export const GROUP_BY_VALUES: readonly GroupBy[] = ['source', 'state', 'none'];

/** Functions, not strings: l10n.t must run after activate() has loaded the bundle, not at import. */
const STATE_LABELS: Record<WorkerState, () => string> = {
  starting: () => l10n.t('starting'),
  running: () => l10n.t('running'),
  stopping: () => l10n.t('stopping'),
  stopped: () => l10n.t('stopped'),
  exited: () => l10n.t('exited'),
  crashed: () => l10n.t('crashed'),
  backoff: () => l10n.t('waiting to restart'),
  restarting: () => l10n.t('restarting'),
  failed: () => l10n.t('failed'),
};

export function stateLabel(state: WorkerState): string {
  return STATE_LABELS[state]();
}

/** "42s", "3m 12s", "2h 5m", "3d 4h": two units at most, enough to tell fresh from long-running. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1_000));
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const first = units.findIndex(([, size]) => seconds >= size);
  if (first === -1) {
    return '0s';
  }
  const [bigName, bigSize] = units[first];
  const big = Math.floor(seconds / bigSize);
  if (first === units.length - 1) {
    return `${big}${bigName}`;
  }
  const [smallName, smallSize] = units[first + 1];
  const small = Math.floor((seconds % bigSize) / smallSize);
  return small === 0 ? `${big}${bigName}` : `${big}${bigName} ${small}${smallName}`;
}

/** Binary units, as `top` and the system monitor show memory. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "SIGKILL in 2 s" while the grace runs, "killing" once SIGKILL is due. */
export function killCountdown(killAt: number, now: number): string {
  const remaining = killAt - now;
  return remaining > 0 ? l10n.t('SIGKILL in {0} s', Math.ceil(remaining / 1_000)) : l10n.t('killing');
}

/**
 * What the tree shows beside a worker's label, short enough for the sidebar at its default width: the
 * state and uptime ("running · 3m 12s", "stopping · SIGKILL in 2 s"). Pid, CPU and memory are in the tooltip.
 */
export function describeWorker(view: WorkerView, now: number, restricted: boolean): string {
  const parts: string[] = [stateLabel(view.state)];
  if (view.state === 'stopping' && view.killAt !== undefined) {
    parts.push(killCountdown(view.killAt, now));
  } else if (view.state === 'running' && view.startedAt !== undefined) {
    parts.push(formatDuration(now - view.startedAt));
  } else if (view.state === 'backoff' && view.nextRestartAt !== undefined) {
    parts.push(l10n.t('in {0}', formatDuration(view.nextRestartAt - now)));
  } else if (EXITED_STATES.has(view.state) && view.lastExit) {
    parts.push(describeExit(view.lastExit));
  }
  if (view.health === 'degraded') {
    parts.push(l10n.t('degraded'));
  }
  if (view.definitionChanged) {
    parts.push(l10n.t('restart to apply changes'));
  }
  if (restricted) {
    parts.push(l10n.t('needs workspace trust'));
  }
  return parts.join(' · ');
}

/** A word of a command line without its quotes, and a path without its folders ("/usr/bin/node" → "node"). */
function shortWord(word: string): string {
  const unquoted = word.replace(/^(['"])(.*)\1$/, '$2');
  return unquoted.split('/').filter(Boolean).at(-1) ?? unquoted;
}

/**
 * The short name of a typed command: the program and its first argument ("npm run", "node server.js"),
 * with leading NAME=value assignments and folders left out, so it fits the sidebar at its default width.
 */
export function shortWorkerName(line: string): string {
  const words = line.trim().split(/\s+/).filter(Boolean);
  const start = words.findIndex((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
  const [program, first] = start === -1 ? words : words.slice(start);
  const name = [program, first]
    .filter((word) => word !== undefined)
    .map(shortWord)
    .join(' ');
  return name === '' ? line.trim().slice(0, 40) : name.slice(0, 40);
}

/** Facts about a worker that live outside the supervisor: who owns it and whether it may run. */
export interface WorkerFlags {
  /** The user may remove it (ad hoc and imported workers); configured ones follow their settings. */
  readonly removable: boolean;
  /** Defined by an untrusted workspace: listed, never started. */
  readonly restricted: boolean;
  /** The agent session this worker runs, if it is one. */
  readonly session: SessionView | undefined;
  /** For a session in a git worktree: its branch, base and changes ("shepherd/x from main · 1 file +3 −1"). */
  readonly worktree?: string;
  /** A warm spare agent process no session has taken yet: not a row, not counted as running. */
  readonly warmSpare?: boolean;
}

/**
 * `worker;<state>;<health>;<source>;` followed by the actions that apply, each closed by `;`, so
 * menus can match whole words: `viewItem =~ /;stoppable;/`.
 */
export function workerContextValue(view: WorkerView, flags: WorkerFlags): string {
  const words = ['worker', view.state, view.health, view.source];
  if (canStart(view)) {
    words.push('startable');
  }
  if (canStop(view)) {
    words.push('stoppable');
  }
  if (canRestart(view)) {
    words.push('restartable');
  }
  if (hasProcess(view)) {
    words.push('haspid');
  }
  if (view.localUrls.length > 0) {
    words.push('url');
  }
  if (flags.removable) {
    words.push('removable');
  }
  if (flags.restricted) {
    words.push('restricted');
  }
  if (flags.session) {
    words.push('session');
  }
  if (flags.worktree !== undefined) {
    words.push('worktree');
  }
  return `${words.join(';')};`;
}

export interface WorkerGroup {
  readonly key: string;
  readonly label: string;
}

/** A group whose label is read when shown, after activate() has loaded the l10n bundle. */
function group(key: string, label: () => string): WorkerGroup {
  return {
    key,
    get label() {
      return label();
    },
  };
}

const SOURCE_GROUPS: Record<WorkerSource, WorkerGroup> = {
  settings: group('settings', () => l10n.t('Settings')),
  procfile: group('procfile', () => l10n.t('Procfile')),
  adhoc: group('adhoc', () => l10n.t('Ad Hoc')),
  session: group('session', () => l10n.t('Sessions')),
};

const ATTENTION = group('attention', () => l10n.t('Needs Attention'));
const RUNNING = group('running', () => l10n.t('Running'));
const IDLE = group('stopped', () => l10n.t('Stopped'));

const STATE_GROUPS: Record<WorkerState, WorkerGroup> = {
  crashed: ATTENTION,
  failed: ATTENTION,
  backoff: ATTENTION,
  starting: RUNNING,
  running: RUNNING,
  restarting: RUNNING,
  stopping: RUNNING,
  stopped: IDLE,
  exited: IDLE,
};

/** Groups in the order the tree shows them. */
export const GROUP_ORDER: Record<Exclude<GroupBy, 'none'>, readonly WorkerGroup[]> = {
  source: [SOURCE_GROUPS.settings, SOURCE_GROUPS.procfile, SOURCE_GROUPS.adhoc, SOURCE_GROUPS.session],
  state: [ATTENTION, RUNNING, IDLE],
};

/** The group a worker belongs to; undefined when the tree is flat. */
export function groupOf(view: WorkerView, groupBy: GroupBy): WorkerGroup | undefined {
  switch (groupBy) {
    case 'source':
      return SOURCE_GROUPS[view.source];
    case 'state':
      return STATE_GROUPS[view.state];
    case 'none':
      return undefined;
  }
}
