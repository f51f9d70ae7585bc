import type { PanelState, WebviewMessage } from '../../shared/sessionProtocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's handle on the extension; acquireVsCodeApi may be called only once per page. */
export const vscode: VsCodeApi = acquireVsCodeApi();
