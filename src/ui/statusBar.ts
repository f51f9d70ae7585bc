import * as vscode from 'vscode';
import { DisposableStore } from '../core/events';
import { Supervisor } from '../core/supervisor';
import { Coalescer } from './coalescer';
import { FOCUS_WORKERS_VIEW } from './commandIds';
import { StatusSummary, summarizeWorkers } from './statusSummary';

/** The status bar follows the tree's pace; counts change far less often than metrics. */
const STATUS_REFRESH_MS = 150;

/** "$(server-process) 3 running · 1 failed"; a click focuses the Workers view. */
export class WorkersStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('shepherd.status', vscode.StatusBarAlignment.Left, 0);
  private readonly disposables = new DisposableStore();
  private shown: StatusSummary | undefined;

  constructor(private readonly supervisor: Supervisor) {
    this.item.name = 'Shepherd Workers';
    this.item.command = FOCUS_WORKERS_VIEW;
    this.disposables.add(this.item);
    const refresher = this.disposables.add(new Coalescer<true>(STATUS_REFRESH_MS, () => this.update()));
    this.disposables.add(supervisor.onDidChangeWorker(() => refresher.add(true)));
    this.update();
    this.item.show();
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private update(): void {
    const summary = summarizeWorkers(this.supervisor.snapshot());
    if (this.shown && summary.text === this.shown.text && summary.tooltip === this.shown.tooltip && summary.warning === this.shown.warning) {
      return;
    }
    this.shown = summary;
    this.item.text = summary.text;
    this.item.tooltip = summary.tooltip;
    this.item.backgroundColor = summary.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }
}
