import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from '../../core/base/events';
import { Supervisor } from '../../core/workers/supervisor';
import { WorkerChange } from '../../core/workers/workerEvents';
import { WorkerView } from '../../core/workers/workerView';
import { Coalescer } from '../common/coalescer';
import { OPEN_CLICKED_ROW } from '../commands/commandIds';
import { describeSession, sessionIcon, sessionStateLabel } from '../sessions/sessionPresentation';
import {
  describeWorker,
  GROUP_ORDER,
  GroupBy,
  groupOf,
  stateLabel,
  WorkerFlags,
  workerContextValue,
} from './workerFormat';
import { stateIcon, workerTooltip } from './workerPresentation';
import { describeOrphan, orphanTooltip } from '../worktrees/worktreeWording';
import { KeptNote } from '../../core/worktrees/orphans';
import { isObject } from '../../shared/untrusted';

export interface GroupNode {
  readonly kind: 'group';
  readonly key: string;
  readonly label: string;
}

export interface WorkerNode {
  readonly kind: 'worker';
  readonly id: string;
}

/** Shown while the workers a previous window left running are being stopped, instead of an empty view. */
export interface RecoveryNode {
  readonly kind: 'recovery';
  readonly count: number;
}

/** A worktree under Shepherd's folder that no session owns (see ui/worktrees/orphanWorktrees.ts). */
export interface OrphanRow {
  readonly kind: 'orphan';
  readonly repoRoot: string;
  readonly path: string;
  /** The branch's short name, undefined when detached. */
  readonly branch: string | undefined;
  /** Set when the user kept it as its session closed; otherwise it was left behind. */
  readonly kept: KeptNote | undefined;
}

/** The "Worktrees without a session" section at the bottom of the view, shown only when there are some. */
export interface OrphansNode {
  readonly kind: 'orphans';
}

export type WorkersNode = GroupNode | WorkerNode | RecoveryNode | OrphansNode | OrphanRow;

/** What the recovery row says; the host suite and e2e look for it. */
export function recoveryLabel(count: number): string {
  return count === 1
    ? vscode.l10n.t('Stopping 1 worker left by a previous window…')
    : vscode.l10n.t('Stopping {0} workers left by a previous window…', count);
}

/** Changes within this window reach the tree as one refresh: smooth enough to watch, cheap in a crash loop. */
export const TREE_REFRESH_MS = 150;
/** A stopping row counts down to SIGKILL in whole seconds: it is redrawn this often while it stops. */
export const COUNTDOWN_REFRESH_MS = 1_000;

export function isWorkerNode(value: unknown): value is WorkerNode {
  return isObject(value) && value.kind === 'worker' && typeof value.id === 'string';
}

export function isOrphanNode(value: unknown): value is OrphanRow {
  return (
    isObject(value) &&
    value.kind === 'orphan' &&
    typeof value.path === 'string' &&
    typeof value.repoRoot === 'string' &&
    (value.branch === undefined || typeof value.branch === 'string') &&
    (value.kept === undefined || isObject(value.kept))
  );
}

const ORPHANS_NODE: OrphansNode = { kind: 'orphans' };

/**
 * The Workers view. Nodes are cached per worker so a single node can be refreshed; a change to one
 * worker refreshes that node only, and the whole tree is refreshed only when workers come or go or
 * move between groups. Output never refreshes the tree.
 */
export class WorkersTreeProvider implements vscode.TreeDataProvider<WorkersNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<WorkersNode | WorkersNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  private readonly workerNodes = new Map<string, WorkerNode>();
  private readonly groupNodes = new Map<string, GroupNode>();
  /** The group each worker is in, to notice when a state change moves it to another. */
  private readonly groupKeys = new Map<string, string | undefined>();
  /** Workers that are not rows (warm spares), to notice when one becomes a row (a session took it). */
  private readonly hidden = new Set<string>();
  private countdown: NodeJS.Timeout | undefined;
  private structureChanged = false;
  private recovery: RecoveryNode | undefined;
  private orphans: readonly OrphanRow[] = [];
  private readonly refresher = new Coalescer<string>(TREE_REFRESH_MS, (ids) => this.flush(ids));
  private readonly disposables = new DisposableStore();

  constructor(
    private readonly supervisor: Supervisor,
    private readonly flagsOf: (id: string) => WorkerFlags,
    private groupBy: GroupBy,
  ) {
    this.disposables.add(this.changeEmitter);
    this.disposables.add(this.refresher);
    this.disposables.add(supervisor.onDidChangeWorker((change) => this.onWorkerChange(change)));
  }

  setGroupBy(groupBy: GroupBy): void {
    if (groupBy !== this.groupBy) {
      this.groupBy = groupBy;
      this.groupKeys.clear();
      for (const view of this.supervisor.snapshot()) {
        this.groupKeys.set(view.id, groupOf(view, groupBy)?.key);
      }
      this.refreshAll();
    }
  }

  /** Shows (count > 0) or removes (0) the row saying that a previous window's workers are being stopped. */
  setRecovering(count: number): void {
    this.recovery = count > 0 ? { kind: 'recovery', count } : undefined;
    this.refreshAll();
  }

  /** Shows worktrees no session owns in their own section (none: the section goes). */
  setOrphanedWorktrees(rows: readonly OrphanRow[]): void {
    this.orphans = rows;
    this.refreshAll();
  }

  /** Everything may look different (trust was granted): rebuild on the next refresh. */
  refreshAll(): void {
    this.structureChanged = true;
    this.refresher.add('');
  }

  getChildren(element?: WorkersNode): WorkersNode[] {
    if (element?.kind === 'orphans') {
      return [...this.orphans];
    }
    if (element !== undefined && element.kind !== 'group') {
      return [];
    }
    const top = element ? [] : this.recovery ? [this.recovery] : [];
    const bottom = element || this.orphans.length === 0 ? [] : [ORPHANS_NODE];
    return [...top, ...this.childrenOf(element), ...bottom];
  }

  private childrenOf(element: GroupNode | undefined): WorkersNode[] {
    const views = this.shownViews();
    if (this.groupBy === 'none') {
      return this.workerNodesOf(views);
    }
    if (element) {
      return this.workerNodesOf(views.filter((view) => groupOf(view, this.groupBy)?.key === element.key));
    }
    const present = new Set(views.map((view) => groupOf(view, this.groupBy)?.key));
    return GROUP_ORDER[this.groupBy]
      .filter((group) => present.has(group.key))
      .map((group) => this.groupNode(group.key, group.label));
  }

  getParent(element: WorkersNode): WorkersNode | undefined {
    if (element.kind === 'orphan') {
      return ORPHANS_NODE;
    }
    if (element.kind !== 'worker') {
      return undefined;
    }
    const view = this.supervisor.get(element.id);
    const group = view && groupOf(view, this.groupBy);
    return group && this.groupNode(group.key, group.label);
  }

  getTreeItem(node: WorkersNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group':
        return this.groupItem(node);
      case 'worker':
        return this.workerItem(node);
      case 'recovery':
        return this.recoveryItem(node);
      case 'orphans':
        return this.orphansItem();
      case 'orphan':
        return orphanItem(node);
    }
  }

  /** The tooltip is built only when the user hovers: it holds the most text and is rarely needed. */
  resolveTreeItem(item: vscode.TreeItem, node: WorkersNode): vscode.TreeItem {
    const view = node.kind === 'worker' ? this.supervisor.get(node.id) : undefined;
    if (view) {
      const flags = this.flagsOf(view.id);
      item.tooltip = workerTooltip(view, flags.restricted, flags.session);
    }
    return item;
  }

  /** Redraws one worker's item: something outside the supervisor (its session) changed. */
  refresh(id: string): void {
    if (this.workerNodes.has(id)) {
      this.refresher.add(id);
    }
  }

  /** The node of a worker, for reveal(); undefined when the worker is unknown. */
  nodeFor(id: string): WorkerNode | undefined {
    return this.supervisor.get(id) ? this.workerNode(id) : undefined;
  }

  dispose(): void {
    clearInterval(this.countdown);
    this.disposables.dispose();
  }

  /** The workers that are rows: warm spare agent processes are a detail of their agent, not workers of their own. */
  private shownViews(): readonly WorkerView[] {
    return this.supervisor.snapshot().filter((view) => !this.flagsOf(view.id).warmSpare);
  }

  private onWorkerChange(change: WorkerChange): void {
    const id = change.view.id;
    if (change.kind === 'removed') {
      this.workerNodes.delete(id);
      this.groupKeys.delete(id);
      this.hidden.delete(id);
      this.structureChanged = true;
    } else {
      const hidden = this.flagsOf(id).warmSpare === true;
      if (hidden !== this.hidden.has(id)) {
        this.structureChanged = true;
        if (hidden) {
          this.hidden.add(id);
        } else {
          this.hidden.delete(id);
        }
      }
      if (change.view.state === 'stopping') {
        this.startCountdown();
      }
      const key = groupOf(change.view, this.groupBy)?.key;
      if (change.kind === 'added' || key !== this.groupKeys.get(id)) {
        this.structureChanged = true;
      }
      this.groupKeys.set(id, key);
    }
    this.refresher.add(id);
  }

  /** Redraws stopping rows every second so "SIGKILL in 2 s" counts down; stops once none is stopping. */
  private startCountdown(): void {
    if (this.countdown) {
      return;
    }
    this.countdown = setInterval(() => {
      const stopping = this.supervisor.snapshot().filter((view) => view.state === 'stopping');
      if (stopping.length === 0) {
        clearInterval(this.countdown);
        this.countdown = undefined;
        return;
      }
      for (const view of stopping) {
        this.refresher.add(view.id);
      }
    }, COUNTDOWN_REFRESH_MS);
  }

  private flush(ids: ReadonlySet<string>): void {
    if (this.structureChanged) {
      this.structureChanged = false;
      this.changeEmitter.fire(undefined);
      return;
    }
    const nodes = [...ids]
      .map((id) => this.workerNodes.get(id))
      .filter((node): node is WorkerNode => node !== undefined);
    if (nodes.length > 0) {
      this.changeEmitter.fire(nodes);
    }
  }

  private workerNodesOf(views: readonly WorkerView[]): WorkerNode[] {
    return [...views]
      .sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id))
      .map((view) => this.workerNode(view.id));
  }

  private workerNode(id: string): WorkerNode {
    let node = this.workerNodes.get(id);
    if (!node) {
      node = { kind: 'worker', id };
      this.workerNodes.set(id, node);
    }
    return node;
  }

  private groupNode(key: string, label: string): GroupNode {
    let node = this.groupNodes.get(key);
    if (!node) {
      node = { kind: 'group', key, label };
      this.groupNodes.set(key, node);
    }
    return node;
  }

  private recoveryItem(node: RecoveryNode): vscode.TreeItem {
    const item = new vscode.TreeItem(recoveryLabel(node.count), vscode.TreeItemCollapsibleState.None);
    item.id = 'recovery';
    item.contextValue = 'recovery;';
    item.iconPath = new vscode.ThemeIcon('loading~spin');
    item.tooltip = vscode.l10n.t(
      'A previous window ended without stopping its workers. Shepherd stops them before starting its own.',
    );
    return item;
  }

  private orphansItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(
      vscode.l10n.t('Worktrees without a session'),
      vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = 'orphans';
    item.contextValue = 'orphans;';
    item.description = String(this.orphans.length);
    item.iconPath = new vscode.ThemeIcon('git-branch');
    item.tooltip = vscode.l10n.t(
      "Worktrees in Shepherd's folder that no open session owns: kept when their session closed, " +
        'or left by a lost session. Open, review or remove them.',
    );
    return item;
  }

  private groupItem(node: GroupNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `group:${node.key}`;
    item.contextValue = `group;${node.key};`;
    const count = this.shownViews().filter((view) => groupOf(view, this.groupBy)?.key === node.key).length;
    item.description = String(count);
    return item;
  }

  private workerItem(node: WorkerNode): vscode.TreeItem {
    const view = this.supervisor.get(node.id);
    const item = new vscode.TreeItem(view?.label ?? node.id, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    if (!view) {
      // Removed between the refresh and this call; the pending structure refresh drops it.
      return item;
    }
    const flags = this.flagsOf(view.id);
    item.contextValue = workerContextValue(view, flags);
    const session = flags.session;
    if (session) {
      // An agent's worker reads as its session: the state that matters is the conversation's.
      item.description = [describeSession(session), flags.worktree, describeWorker(view, Date.now(), flags.restricted)]
        .filter((part) => part !== undefined)
        .join(' · ');
      item.iconPath = sessionIcon(session.state);
      item.accessibilityInformation = {
        label: vscode.l10n.t('{0}, session {1}', view.label, sessionStateLabel(session.state)),
      };
      item.command = { command: OPEN_CLICKED_ROW, title: vscode.l10n.t('Open') };
      return item;
    }
    item.description = describeWorker(view, Date.now(), flags.restricted);
    item.iconPath = stateIcon(view, flags.restricted);
    item.accessibilityInformation = { label: `${view.label}, ${stateLabel(view.state)}` };
    item.command = { command: OPEN_CLICKED_ROW, title: vscode.l10n.t('Open') };
    return item;
  }
}

function orphanItem(row: OrphanRow): vscode.TreeItem {
  const item = new vscode.TreeItem(path.basename(row.path), vscode.TreeItemCollapsibleState.None);
  item.id = `orphan:${row.path}`;
  item.contextValue = 'orphanedWorktree;';
  item.description = describeOrphan(row.branch, row.kept);
  item.tooltip = orphanTooltip(row.path, row.kept);
  item.iconPath = new vscode.ThemeIcon('git-branch');
  return item;
}
