import * as l10n from '@vscode/l10n';
import { escapeHtml, pageHead, PageHeadOptions } from './webviewSecurity';

export interface SessionPageOptions extends Omit<PageHeadOptions, 'stylesheets'> {
  /** The URL of an asset of the extension, e.g. `asset('media', 'session.css')`. */
  readonly asset: (...parts: string[]) => string;
}

/**
 * The session panel's page: the shell the webview script fills in. Shared by the panel and by the test
 * that loads it in Chromium under the same policy, so what is tested is what ships.
 */
export function sessionPageHtml(options: SessionPageOptions): string {
  const { asset, scriptNonce } = options;
  const stylesheets = [asset('dist', 'webview', 'codicons', 'codicon.css'), asset('media', 'session.css')];
  const h = escapeHtml;
  return `${pageHead({ ...options, stylesheets })}
<body>
<header id="header">
<div id="status" role="status" aria-live="polite">${h(l10n.t('Connecting…'))}</div>
<select id="mode" aria-label="${h(l10n.t('Agent mode'))}"
  title="${h(l10n.t("The agent's mode"))}" hidden></select>
</header>
<div id="problem" role="alert" hidden></div>
<div id="worktree" role="toolbar" aria-label="${h(l10n.t('Worktree'))}" hidden>
<span id="worktree-label" class="codicon-label"></span>
<button id="worktree-review" type="button" class="secondary"
  title="${h(l10n.t('Open everything the agent changed in a diff editor'))}">
  <span class="codicon codicon-diff-multiple"></span> ${h(l10n.t('Review Changes'))}</button>
<button id="worktree-accept" type="button" class="secondary"
  title="${h(l10n.t("Merge or squash the agent's work into your branch"))}">
  <span class="codicon codicon-git-merge"></span> ${h(l10n.t('Accept…'))}</button>
<button id="worktree-discard" type="button" class="secondary"
  title="${h(l10n.t('Remove the worktree and its branch'))}">
  <span class="codicon codicon-trash"></span> ${h(l10n.t('Discard…'))}</button>
</div>
<section id="empty" aria-label="${h(l10n.t('Getting started'))}" hidden>
<p>${h(l10n.t("Write to the agent below: it works in this session's folder. Or start from an example:"))}</p>
<div class="examples">
<button type="button" class="example secondary">${h(
    l10n.t('Explain what this project does and how it is laid out'),
  )}</button>
<button type="button" class="example secondary">${h(l10n.t('Run the tests and fix what fails'))}</button>
<button type="button" class="example secondary">${h(
    l10n.t('Review my uncommitted changes and suggest better code'),
  )}</button>
</div>
</section>
<main id="transcript" aria-label="${h(l10n.t('Conversation'))}"></main>
<form id="composer">
<ul id="completions" role="listbox" aria-label="${h(l10n.t('Slash commands'))}" hidden></ul>
<textarea id="input" aria-label="${h(l10n.t('Message'))}" aria-autocomplete="list" aria-controls="completions"
  placeholder="${h(l10n.t('Message the agent (Enter sends, Shift+Enter adds a line)'))}"></textarea>
<div class="buttons">
<button id="send" type="button" title="${h(l10n.t('Send (Enter)'))}">
  <span class="codicon codicon-send"></span> ${h(l10n.t('Send'))}</button>
<button id="interrupt" type="button" class="secondary"
  title="${h(l10n.t('Interrupt the agent: it stops its current turn'))}" hidden>
  <span class="codicon codicon-debug-stop"></span> ${h(l10n.t('Interrupt'))}</button>
</div>
</form>
<script nonce="${scriptNonce}" src="${asset('dist', 'webview', 'session.js')}"></script>
</body>
</html>`;
}
