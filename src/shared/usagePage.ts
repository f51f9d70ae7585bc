import * as l10n from '@vscode/l10n';
import { escapeHtml, pageHead, PageHeadOptions } from './webviewSecurity';

export interface UsagePageOptions extends Omit<PageHeadOptions, 'stylesheets' | 'title'> {
  /** The URL of an asset of the extension, e.g. `asset('media', 'usage.css')`. */
  readonly asset: (...parts: string[]) => string;
}

/**
 * The usage view's page: the shell its script fills with charts. It runs under the session page's
 * policy (one nonce'd script, styles from the extension only, no network), and is shared with the
 * Chromium test so what is tested is what ships.
 */
export function usagePageHtml(options: UsagePageOptions): string {
  const { asset, scriptNonce } = options;
  const h = escapeHtml;
  return `${pageHead({
    ...options,
    stylesheets: [asset('media', 'usage.css')],
    title: l10n.t('Shepherd Usage'),
  })}
<body>
<header>
<h1>${h(l10n.t('Usage'))}</h1>
<div id="totals" role="status" aria-live="polite">${h(l10n.t('Loading…'))}</div>
</header>
<section aria-labelledby="per-agent-title">
<h2 id="per-agent-title">${h(l10n.t('Tokens and cost per agent'))}</h2>
<div id="per-agent" class="chart"></div>
</section>
<section aria-labelledby="per-session-title">
<h2 id="per-session-title">${h(l10n.t('Tokens and cost per session'))}</h2>
<div id="per-session" class="chart"></div>
</section>
<section aria-labelledby="per-day-title">
<h2 id="per-day-title">${h(l10n.t('Tokens and cost per day'))}</h2>
<div id="per-day" class="chart"></div>
</section>
<section aria-labelledby="worker-title">
<h2 id="worker-title">${h(l10n.t('Worker CPU and memory, last 10 minutes'))}</h2>
<label for="worker">${h(l10n.t('Worker'))}</label> <select id="worker"></select>
<div id="cpu" class="chart"></div>
<div id="rss" class="chart"></div>
</section>
<p class="legend"><span class="swatch input"></span> ${h(l10n.t('input tokens'))}
<span class="swatch output"></span> ${h(l10n.t('output tokens'))}</p>
<script nonce="${scriptNonce}" src="${asset('dist', 'webview', 'usage.js')}"></script>
</body>
</html>`;
}
