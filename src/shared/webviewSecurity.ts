/**
 * The security policy of Shepherd's webviews (the session page and the usage view), free of the vscode
 * module so the fault suite can load the real pages with the real policy in a browser. Uses only what
 * Node 20 and browsers both have.
 */

/** A fresh script nonce: 128 random bits, base64. */
export function nonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The strict policy of every session page: nothing loads but our own script (by nonce) and our
 * own styles and font; no network, no frames, no inline handlers.
 */
export function contentSecurityPolicy(cspSource: string, scriptNonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${scriptNonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    "img-src 'none'",
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Text made safe for an HTML element or a double-quoted attribute (translations may hold any character). */
export const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** What every page's head is made of. */
export interface PageHeadOptions {
  /** The origin allowed to serve styles and fonts (the webview's cspSource). */
  readonly cspSource: string;
  /** The one script allowed to run carries this nonce. */
  readonly scriptNonce: string;
  readonly stylesheets: readonly string[];
  /** Shown as the page's title (escaped). */
  readonly title: string;
  /** VS Code's display language (`vscode.env.language`), so a screen reader reads a translation in its own language. */
  readonly language: string;
}

/** A BCP 47 tag such as `en`, `de` or `zh-cn`; anything else is not a language and the page says `en`. */
const LANGUAGE_TAG = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

/** The tag for `<html lang>`: the display language when it is a well-formed tag, English otherwise. */
export function pageLanguage(language: string): string {
  return LANGUAGE_TAG.test(language) ? language : 'en';
}

/** The start of every page, up to its body: the policy above, its language, style sheets and title. */
export function pageHead(options: PageHeadOptions): string {
  return `<!DOCTYPE html>
<html lang="${pageLanguage(options.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.cspSource, options.scriptNonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${options.stylesheets.map((href) => `<link rel="stylesheet" href="${href}">`).join('\n')}
<title>${escapeHtml(options.title)}</title>
</head>`;
}
