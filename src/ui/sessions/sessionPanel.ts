import * as vscode from 'vscode';
import { Disposable, DisposableStore } from '../../core/base/events';
import { describeError } from '../../core/base/logger';
import type { ShepherdContext } from '../context';
import {
  ExtensionMessage,
  isOpenableLink,
  PanelState,
  parseWebviewMessage,
  WebviewMessage,
} from '../../shared/sessionProtocol';
import { sessionPageHtml } from '../../shared/sessionPage';
import { WORKTREE_COMMANDS } from '../commands/commandIds';
import { nonce } from '../../shared/webviewSecurity';
import { openToolDiff, openToolLocation } from './toolDocuments';
import { withL10nBundle } from '../common/webviewL10n';

export const SESSION_VIEW_TYPE = 'shepherd.session';

/** What a panel uses of the context. */
export type SessionPanelContext = Pick<ShepherdContext, 'sessions' | 'extensionUri' | 'logger' | 'tasks' | 'folders'>;

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return withL10nBundle(
    sessionPageHtml({
      cspSource: webview.cspSource,
      scriptNonce: nonce(),
      language: vscode.env.language,
      title,
      asset: (...parts) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString(),
    }),
    vscode.l10n.bundle,
  );
}

/**
 * One session's webview. The extension owns the session; the page only renders what it is sent,
 * and everything it sends back is validated here before anything happens.
 */
export class SessionPanel implements Disposable {
  private readonly subscriptions = new DisposableStore();
  private ready = false;
  private disposed = false;
  private readonly onDidDisposeCallbacks: Array<() => void> = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly sessionId: string,
    private readonly ctx: SessionPanelContext,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(ctx.extensionUri);
    webview.html = html(webview, ctx.extensionUri, panel.title);
    this.subscriptions.add(webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.subscriptions.add(panel.onDidDispose(() => this.dispose()));
    this.subscriptions.add(
      ctx.sessions.onDidChangeTranscript((event) => {
        if (event.sessionId === sessionId) {
          this.post({ type: 'transcript', change: event.change });
        }
      }),
    );
    this.subscriptions.add(
      ctx.sessions.onDidChangeSession((change) => {
        if (change.view.id !== sessionId) {
          return;
        }
        if (change.kind === 'removed') {
          panel.dispose();
          return;
        }
        panel.title = change.view.title;
        this.post({ type: 'session', session: change.view });
      }),
    );
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  onDidDispose(callback: () => void): void {
    this.onDidDisposeCallbacks.push(callback);
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    this.subscriptions.dispose();
    this.panel.dispose();
    for (const callback of this.onDidDisposeCallbacks) {
      callback();
    }
  }

  /** Nothing is sent before the page said it is ready: it could not receive it. */
  private post(message: ExtensionMessage): void {
    if (!this.ready || this.disposed) {
      return;
    }
    this.panel.webview.postMessage(message).then(
      (delivered) =>
        delivered || this.ctx.logger.warn(`[session:${this.sessionId}] a message to the hidden panel was dropped`),
      (error: unknown) =>
        this.ctx.logger.error(`[session:${this.sessionId}] posting to the panel failed: ${describeError(error)}`),
    );
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.ctx.logger.warn(`[session:${this.sessionId}] refused a message from the webview: ${parsed.reason}`);
      return;
    }
    try {
      this.handle(parsed.message);
    } catch (error) {
      this.post({ type: 'problem', message: describeError(error) });
    }
  }

  private handle(message: WebviewMessage): void {
    const { sessions, tasks, folders } = this.ctx;
    switch (message.type) {
      case 'ready': {
        const session = sessions.get(this.sessionId);
        this.ready = true;
        if (!session) {
          this.post({ type: 'problem', message: vscode.l10n.t('This session no longer exists.') });
          return;
        }
        this.post({ type: 'init', session, entries: sessions.transcript(this.sessionId) });
        return;
      }
      case 'send':
        void tasks.run(`send to session ${this.sessionId}`, () =>
          sessions.send(this.sessionId, message.text, folders.get(this.sessionId)),
        );
        return;
      case 'interrupt':
        sessions.interrupt(this.sessionId);
        return;
      case 'permission':
        if (!sessions.respond(this.sessionId, message.requestId, message.decision)) {
          this.post({ type: 'problem', message: vscode.l10n.t('That permission request is no longer pending.') });
        }
        return;
      case 'openLink':
        this.openLink(message.href);
        return;
      // Worktree actions run as their commands do from the tree, which report their own failures.
      case 'worktree':
        void tasks.run(`worktree ${message.action} from the panel`, async () =>
          vscode.commands.executeCommand(WORKTREE_COMMANDS[message.action], this.sessionId),
        );
        return;
      case 'rewind':
        void tasks.run('rewind from the panel', async () =>
          vscode.commands.executeCommand(WORKTREE_COMMANDS.rewind, this.sessionId, message.entryId),
        );
        return;
      case 'setMode':
        this.run(`set the mode of session ${this.sessionId}`, () => sessions.setMode(this.sessionId, message.modeId));
        return;
      case 'openLocation':
        this.run('open a tool location', () =>
          openToolLocation(folders.get(this.sessionId), message.path, message.line),
        );
        return;
      case 'openDiff':
        this.run('open a tool diff', () =>
          openToolDiff(sessions, this.sessionId, folders.get(this.sessionId), message),
        );
        return;
    }
  }

  /** Runs what the user asked in the background; a failure is shown in the panel, in words. */
  private run(name: string, work: () => Promise<void>): void {
    void this.ctx.tasks.run(name, async () => {
      try {
        await work();
      } catch (error) {
        this.ctx.logger.warn(`[session:${this.sessionId}] could not ${name}: ${describeError(error)}`);
        this.post({ type: 'problem', message: describeError(error) });
      }
    });
  }

  private openLink(href: string): void {
    if (!isOpenableLink(href)) {
      this.ctx.logger.warn(
        `[session:${this.sessionId}] refused to open a link that is not http(s): ${href.slice(0, 100)}`,
      );
      this.post({
        type: 'problem',
        message: vscode.l10n.t('Only http and https links can be opened from a session.'),
      });
      return;
    }
    void this.ctx.tasks.run('open link', async () => vscode.env.openExternal(vscode.Uri.parse(href)));
  }
}

/** The open panels, one per session, and their revival after a window reload. */
export class SessionPanels implements Disposable, vscode.WebviewPanelSerializer<PanelState> {
  private readonly panels = new Map<string, SessionPanel>();

  /** `restored` settles once the sessions of the last window are restored, so a revived panel finds its session. */
  constructor(
    private readonly ctx: SessionPanelContext,
    private readonly restored: Promise<unknown>,
  ) {}

  /** Shows the session's panel, creating it if needed. */
  open(sessionId: string, title: string): SessionPanel {
    const existing = this.panels.get(sessionId);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      SESSION_VIEW_TYPE,
      title,
      vscode.ViewColumn.Active,
      webviewOptions(this.ctx.extensionUri),
    );
    panel.iconPath = vscode.Uri.joinPath(this.ctx.extensionUri, 'media', 'shepherd.svg');
    return this.adopt(panel, sessionId);
  }

  get(sessionId: string): SessionPanel | undefined {
    return this.panels.get(sessionId);
  }

  /** The session whose panel is the active editor, for commands run from its title bar or the palette. */
  activeSessionId(): string | undefined {
    return [...this.panels.values()].find((candidate) => candidate.panel.active)?.sessionId;
  }

  isVisible(sessionId: string): boolean {
    return this.panels.get(sessionId)?.visible ?? false;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    await this.restored;
    const sessionId = this.sessionToRevive(panel, state);
    if (!sessionId) {
      this.ctx.logger.warn(`a restored session panel ("${panel.title}") matches no session; closing it`);
      panel.dispose();
      return;
    }
    this.adopt(panel, sessionId);
  }

  /**
   * The panel's saved state names its session. In the browser workbench that state can miss the last
   * save before a reload, so a panel without it is matched by title to a session that has no panel.
   */
  private sessionToRevive(panel: vscode.WebviewPanel, state: PanelState | undefined): string | undefined {
    const fromState = typeof state?.sessionId === 'string' ? state.sessionId : undefined;
    if (fromState) {
      return this.ctx.sessions.get(fromState) ? fromState : undefined;
    }
    return this.ctx.sessions.list().find((view) => view.title === panel.title && !this.panels.has(view.id))?.id;
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) {
      panel.dispose();
    }
  }

  private adopt(panel: vscode.WebviewPanel, sessionId: string): SessionPanel {
    const sessionPanel = new SessionPanel(panel, sessionId, this.ctx);
    this.panels.set(sessionId, sessionPanel);
    sessionPanel.onDidDispose(() => this.panels.delete(sessionId));
    return sessionPanel;
  }
}
