/** The id of the element the page's l10nBundle module reads; the two must match. No vscode here. */
const BUNDLE_ELEMENT_ID = 'shepherd-l10n';

/**
 * A webview page with the extension's translations in it (`vscode.l10n.bundle`), for the page's own
 * l10n.t calls. In English VS Code has no bundle and the page is returned as is. The JSON sits in a
 * script element of a type the browser does not run, so the content security policy is unchanged;
 * `<` is escaped so that no translation can close the element. It opens the body: the page's script,
 * at the body's end, runs as soon as it is parsed and must find the bundle already there.
 */
export function withL10nBundle(html: string, bundle: Readonly<Record<string, string>> | undefined): string {
  if (!bundle) {
    return html;
  }
  const json = JSON.stringify(bundle).replace(/</g, '\\u003c');
  return html.replace('<body>', `<body>\n<script type="application/json" id="${BUNDLE_ELEMENT_ID}">${json}</script>`);
}
