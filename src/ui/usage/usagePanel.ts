import * as vscode from 'vscode';
import { Disposable, DisposableStore } from '../../core/base/events';
import { describeError } from '../../core/base/logger';
import { TranscriptHistory } from '../../core/sessions/transcripts/transcriptHistory';
import { SessionUsageRecord, summarizeUsage } from '../../core/sessions/usageSummary';
import { USAGE_HISTORY_MS } from '../../core/workers/usageHistory';
import { usagePageHtml } from '../../shared/usagePage';
import { parseUsageMessage, UsageExtensionMessage, UsageWorker } from '../../shared/usageProtocol';
import { nonce } from '../../shared/webviewSecurity';
import type { ShepherdContext } from '../context';
import { registerGuardedCommand } from '../commands/commandGuard';
import { USAGE_COMMANDS } from '../commands/commandIds';
import { webviewOptions } from '../sessions/sessionPanel';
import { withL10nBundle } from '../common/webviewL10n';

export const USAGE_VIEW_TYPE = 'shepherd.usage';
/** At most one update a second: live enough for a 2 s tick, cheap however busy the fleet of workers is. */
export const USAGE_UPDATE_MS = 1_000;

/** What the usage view uses of the context. */
export type UsageContext = Pick<
  ShepherdContext,
  'supervisor' | 'sessions' | 'extensionUri' | 'logger' | 'notifier' | 'tasks' | 'agents'
>;

/**
 * The usage view: tokens and cost of the sessions, and the CPU and RSS history of one worker. The
 * extension owns the data and sends it whole, throttled; the page only renders it and may only
 * choose which worker's history it wants.
 */
class UsagePanel implements Disposable {
  private readonly subscriptions = new DisposableStore();
  private ready = false;
  private disposed = false;
  private selectedWorkerId: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The closed sessions of the transcript store: read when the view opens and when a session closes. */
  private closed: readonly SessionUsageRecord[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly ctx: UsageContext,
    private readonly onDispose: () => void,
  ) {
    const webview = panel.webview;
    // Set here, not only at creation: a panel revived after a reload comes back with default options.
    webview.options = webviewOptions(ctx.extensionUri);
    webview.html = withL10nBundle(
      usagePageHtml({
        cspSource: webview.cspSource,
        scriptNonce: nonce(),
        language: vscode.env.language,
        asset: (...parts) => webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, ...parts)).toString(),
      }),
      vscode.l10n.bundle,
    );
    this.subscriptions.add(webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.subscriptions.add(panel.onDidDispose(() => this.dispose()));
    const later = (): void => this.scheduleUpdate();
    this.subscriptions.add(ctx.supervisor.usageHistory.onDidRecord(later));
    this.subscriptions.add(ctx.supervisor.onDidChangeWorker(later));
    this.subscriptions.add(
      ctx.sessions.onDidChangeSession((change) => (change.kind === 'removed' ? this.loadClosed() : later())),
    );
    this.loadClosed();
    this.subscriptions.add(panel.onDidChangeViewState(later));
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    clearTimeout(this.timer);
    this.subscriptions.dispose();
    this.panel.dispose();
    this.onDispose();
  }

  private receive(raw: unknown): void {
    const parsed = parseUsageMessage(raw);
    if (!parsed.ok) {
      this.ctx.logger.warn(`[usage] refused a message from the webview: ${parsed.reason}`);
      return;
    }
    if (parsed.message.type === 'selectWorker') {
      this.selectedWorkerId = parsed.message.workerId;
    }
    this.ready = true;
    this.update();
  }

  private loadClosed(): void {
    const store = this.ctx.sessions.store;
    if (!store) {
      return;
    }
    void this.ctx.tasks.run('read closed sessions for the usage view', async () => {
      const { items, problems } = await new TranscriptHistory(store).list();
      for (const problem of problems) {
        this.ctx.logger.warn(`[usage] a closed session is left out: ${problem}`);
      }
      const labels = new Map(this.ctx.agents().map((agent) => [agent.id, agent.label]));
      this.closed = items
        .filter((item) => item.closedAt !== undefined)
        .map((item) => ({
          title: item.title,
          agentLabel: labels.get(item.agentId) ?? item.agentId,
          createdAt: item.createdAt,
          usage: item.usage,
          daily: item.dailyUsage,
        }));
      this.scheduleUpdate();
    });
  }

  /** A hidden panel gets nothing (it could not show it); it catches up when it becomes visible. */
  private scheduleUpdate(): void {
    if (!this.ready || this.disposed || !this.panel.visible) {
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, USAGE_UPDATE_MS);
  }

  private update(): void {
    const { supervisor, sessions } = this.ctx;
    const now = Date.now();
    const workers: UsageWorker[] = supervisor
      .snapshot()
      .filter((view) => !sessions.isWarmSpare(view.id))
      .map((view) => ({ id: view.id, label: view.label, running: view.pid !== undefined }));
    if (!workers.some((worker) => worker.id === this.selectedWorkerId)) {
      this.selectedWorkerId = (workers.find((worker) => worker.running) ?? workers[0])?.id;
    }
    const selected = this.selectedWorkerId;
    this.post({
      type: 'update',
      summary: summarizeUsage([...sessions.usageRecords(), ...this.closed], now),
      workers,
      selectedWorkerId: selected,
      samples: selected === undefined ? [] : supervisor.usageHistory.samples(selected, now),
      windowMs: USAGE_HISTORY_MS,
      now,
    });
  }

  private post(message: UsageExtensionMessage): void {
    this.panel.webview.postMessage(message).then(
      (delivered) => delivered || this.ctx.logger.warn('[usage] an update to the hidden panel was dropped'),
      (error: unknown) => this.ctx.logger.error(`[usage] posting to the panel failed: ${describeError(error)}`),
    );
  }
}

/**
 * Registers Show Usage, which opens the usage view or reveals it when it is already open, and brings
 * the view back after a window reload.
 */
export function registerUsageView(ctx: UsageContext, store: DisposableStore): void {
  let open: UsagePanel | undefined;
  const adopt = (panel: vscode.WebviewPanel): void => {
    open = new UsagePanel(panel, ctx, () => (open = undefined));
  };
  store.add({ dispose: () => open?.dispose() });
  store.add(
    vscode.window.registerWebviewPanelSerializer(USAGE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => (open ? panel.dispose() : adopt(panel)),
    }),
  );
  registerGuardedCommand(
    store,
    USAGE_COMMANDS.show,
    () => {
      if (open) {
        open.reveal();
        return;
      }
      const panel = vscode.window.createWebviewPanel(
        USAGE_VIEW_TYPE,
        vscode.l10n.t('Shepherd Usage'),
        vscode.ViewColumn.Active,
        webviewOptions(ctx.extensionUri),
      );
      panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'shepherd.svg');
      adopt(panel);
    },
    ctx,
  );
}
