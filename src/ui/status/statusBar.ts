import * as vscode from 'vscode';
import { DisposableStore, Event } from '../../core/base/events';
import { Supervisor } from '../../core/workers/supervisor';
import { Coalescer } from '../common/coalescer';
import { FOCUS_WORKERS_VIEW } from '../commands/commandIds';
import { describeSessionTotals, SessionTotals, StatusSummary, summarizeWorkers } from './statusSummary';

/** Session usage for the tooltip, and when it changes. */
export interface SessionTotalsSource {
  totals(): SessionTotals;
  readonly onDidChange: Event<unknown>;
}

/** The status bar follows the tree's pace; counts change far less often than metrics. */
const STATUS_REFRESH_MS = 150;

/**
 * "$(server-process) 3 running · 1 stopping · 1 crashed"; a click focuses the Workers view. The tooltip
 * adds what sessions cost.
 */
export class WorkersStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('shepherd.status', vscode.StatusBarAlignment.Left, 0);
  private readonly disposables = new DisposableStore();
  private shown: StatusSummary | undefined;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly sessions: SessionTotalsSource,
    /** Warm spare agent processes are not counted as running; the tooltip mentions them. */
    private readonly isWarmSpare: (id: string) => boolean,
  ) {
    this.item.name = vscode.l10n.t('Shepherd Workers');
    this.item.command = FOCUS_WORKERS_VIEW;
    this.disposables.add(this.item);
    const refresher = this.disposables.add(new Coalescer<true>(STATUS_REFRESH_MS, () => this.update()));
    this.disposables.add(supervisor.onDidChangeWorker(() => refresher.add(true)));
    this.disposables.add(sessions.onDidChange(() => refresher.add(true)));
    this.update();
    this.item.show();
  }

  /** The item's text as last shown. */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private update(): void {
    const all = this.supervisor.snapshot();
    const shown = all.filter((view) => !this.isWarmSpare(view.id));
    const workers = summarizeWorkers(shown, all.length - shown.length);
    const sessions = describeSessionTotals(this.sessions.totals());
    const summary = sessions ? { ...workers, tooltip: `${workers.tooltip}\n\n${sessions}` } : workers;
    if (
      this.shown &&
      summary.text === this.shown.text &&
      summary.tooltip === this.shown.tooltip &&
      summary.warning === this.shown.warning
    ) {
      return;
    }
    this.shown = summary;
    this.item.text = summary.text;
    this.item.tooltip = summary.tooltip;
    this.item.backgroundColor = summary.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}
