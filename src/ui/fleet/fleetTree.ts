import * as vscode from 'vscode';
import { DiscoveredHost } from '../../core/fleet/discovery';
import { describeFleetView, FleetMachine, FleetView } from '../../core/fleet/fleetView';
import { PublishedSession, PublishedWorker } from '../../core/fleet/heartbeat';
import { WorkerState } from '../../core/workers/workerView';
import { formatBytes, formatDuration, stateLabel } from '../workers/workerFormat';
import { stateIcon } from '../workers/workerPresentation';

type HostEntry = Extract<DiscoveredHost, { kind: 'host' }>;

export type FleetNode =
  | { readonly kind: 'state'; readonly view: FleetView }
  | { readonly kind: 'machine'; readonly machine: FleetMachine }
  | { readonly kind: 'host'; readonly host: HostEntry }
  | { readonly kind: 'error'; readonly hostId: string; readonly reason: string }
  | { readonly kind: 'worker'; readonly host: HostEntry; readonly worker: PublishedWorker }
  | { readonly kind: 'session'; readonly hostId: string; readonly session: PublishedSession };

const WORKER_STATES: ReadonlySet<string> = new Set<WorkerState>([
  'starting',
  'running',
  'stopping',
  'stopped',
  'exited',
  'crashed',
  'backoff',
  'restarting',
  'failed',
]);

function isWorkerState(state: string): state is WorkerState {
  return WORKER_STATES.has(state);
}

/** The same words as a local worker's row: state, pid, uptime, CPU, memory, restarts. */
function describeRemoteWorker(worker: PublishedWorker): string {
  const parts = [isWorkerState(worker.state) ? stateLabel(worker.state) : worker.state];
  if (worker.pid !== null) {
    parts.push(`pid ${worker.pid}`);
  }
  if (worker.uptimeMs !== null) {
    parts.push(formatDuration(worker.uptimeMs));
  }
  if (worker.cpuPercent !== null) {
    parts.push(`${worker.cpuPercent.toFixed(0)}% CPU`);
  }
  if (worker.rssBytes !== null) {
    parts.push(formatBytes(worker.rssBytes));
  }
  if (worker.restarts > 0) {
    parts.push(`${worker.restarts} restart${worker.restarts === 1 ? '' : 's'}`);
  }
  return parts.join(' · ');
}

function stateItem(view: FleetView): vscode.TreeItem {
  const item = new vscode.TreeItem(describeFleetView(view));
  item.id = 'fleet-state';
  item.iconPath = new vscode.ThemeIcon(
    view.kind === 'unreachable'
      ? 'debug-disconnect'
      : view.kind === 'connecting'
        ? 'loading~spin'
        : view.kind === 'not-configured'
          ? 'warning'
          : 'info',
  );
  item.tooltip = describeFleetView(view);
  return item;
}

function workerItem(node: Extract<FleetNode, { kind: 'worker' }>): vscode.TreeItem {
  const { worker, host } = node;
  const item = new vscode.TreeItem(worker.label);
  item.id = `fleet/${host.hostId}/${worker.id}`;
  item.description = describeRemoteWorker(worker);
  item.tooltip =
    vscode.l10n.t('{0} on {1} ({2})', worker.label, host.heartbeat.machine, host.hostId) + `\n${worker.command}`;
  item.iconPath = isWorkerState(worker.state)
    ? stateIcon({ state: worker.state, health: worker.health === 'degraded' ? 'degraded' : 'ok' }, false)
    : new vscode.ThemeIcon('question');
  // `remote;` only where the host obeys commands: elsewhere Start/Stop would only be refused.
  item.contextValue = `fleetWorker;${worker.state};${host.heartbeat.remoteControl ? 'remote;' : ''}`;
  return item;
}

function hostItem(host: HostEntry): vscode.TreeItem {
  const { heartbeat } = host;
  const item = new vscode.TreeItem(heartbeat.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `fleet/${host.hostId}`;
  const age =
    host.status === 'stale'
      ? vscode.l10n.t('stale, last heard {0} ago', formatDuration(host.ageMs))
      : vscode.l10n.t('online');
  item.description = `${heartbeat.role} · ${age}`;
  item.iconPath = new vscode.ThemeIcon(
    heartbeat.role === 'peer' ? 'server' : 'window',
    host.status === 'stale' ? new vscode.ThemeColor('charts.yellow') : undefined,
  );
  const about = heartbeat.remoteControl
    ? vscode.l10n.t('{0} ({1}), Shepherd {2}, remote control on', heartbeat.name, host.hostId, heartbeat.version)
    : vscode.l10n.t('{0} ({1}), Shepherd {2}, remote control off', heartbeat.name, host.hostId, heartbeat.version);
  const omitted = heartbeat.omitted > 0 ? vscode.l10n.t(', {0} more not published', heartbeat.omitted) : '';
  item.tooltip = `${about}${omitted}`;
  return item;
}

/** The Fleet view: its state as one row, or machines → windows and peers → workers and sessions. */
export class FleetTreeProvider implements vscode.TreeDataProvider<FleetNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<FleetNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private view: FleetView = { kind: 'not-configured', problems: [] };
  /** Counts "retrying in N s" down while Redis is unreachable. */
  private countdown: NodeJS.Timeout | undefined;

  update(view: FleetView): void {
    this.view = view;
    clearInterval(this.countdown);
    this.countdown = undefined;
    if (view.kind === 'unreachable') {
      this.countdown = setInterval(() => this.changeEmitter.fire(undefined), 1_000);
    }
    this.changeEmitter.fire(undefined);
  }

  getTreeItem(node: FleetNode): vscode.TreeItem {
    switch (node.kind) {
      case 'state':
        return stateItem(node.view);
      case 'machine': {
        const item = new vscode.TreeItem(node.machine.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `fleet-machine/${node.machine.name}`;
        item.iconPath = new vscode.ThemeIcon('vm');
        return item;
      }
      case 'host':
        return hostItem(node.host);
      case 'error': {
        const item = new vscode.TreeItem(node.hostId);
        item.id = `fleet/${node.hostId}`;
        item.description = node.reason;
        item.tooltip = `${node.hostId}: ${node.reason}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red'));
        return item;
      }
      case 'worker':
        return workerItem(node);
      case 'session': {
        const item = new vscode.TreeItem(node.session.title);
        item.id = `fleet/${node.hostId}/session/${node.session.id}`;
        item.description = vscode.l10n.t(
          '{0} · {1} tokens',
          node.session.state,
          node.session.inputTokens + node.session.outputTokens,
        );
        item.iconPath = new vscode.ThemeIcon('comment-discussion');
        return item;
      }
    }
  }

  getChildren(node?: FleetNode): FleetNode[] {
    if (!node) {
      const view = this.view;
      if (view.kind === 'not-configured' && view.problems.length === 0) {
        return []; // the view's welcome text explains and offers "Connect to Fleet…"
      }
      return view.kind === 'machines'
        ? view.machines.map((machine) => ({ kind: 'machine', machine }))
        : [{ kind: 'state', view }];
    }
    switch (node.kind) {
      case 'machine':
        return node.machine.hosts.map((host) =>
          host.kind === 'host' ? { kind: 'host', host } : { kind: 'error', hostId: host.hostId, reason: host.reason },
        );
      case 'host':
        return [
          ...node.host.heartbeat.workers.map((worker): FleetNode => ({ kind: 'worker', host: node.host, worker })),
          ...node.host.heartbeat.sessions.map((session): FleetNode => ({
            kind: 'session',
            hostId: node.host.hostId,
            session,
          })),
        ];
      default:
        return [];
    }
  }

  dispose(): void {
    clearInterval(this.countdown);
    this.changeEmitter.dispose();
  }
}
