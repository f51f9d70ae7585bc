import * as vscode from 'vscode';

/** The id of the element the page's l10nBundle module reads; the two must match. */
const BUNDLE_ELEMENT_ID = 'shepherd-l10n';

/**
 * A webview page with the extension's translations in it, for the page's own l10n.t calls. In English
 * VS Code has no bundle and the page is returned as is. The JSON sits in a script element of a type
 * the browser does not run, so the content security policy is unchanged; `<` is escaped so that no
 * translation can close the element.
 */
export function withL10nBundle(html: string, bundle = vscode.l10n.bundle): string {
  if (!bundle) {
    return html;
  }
  const json = JSON.stringify(bundle).replace(/</g, '\\u003c');
  return html.replace('</body>', `<script type="application/json" id="${BUNDLE_ELEMENT_ID}">${json}</script>\n</body>`);
}
