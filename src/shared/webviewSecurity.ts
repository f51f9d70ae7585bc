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

/** The start of every page, up to its body: the policy above, its style sheets, and its title (escaped). */
export function pageHead(
  cspSource: string,
  scriptNonce: string,
  stylesheets: readonly string[],
  title: string,
): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(cspSource, scriptNonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${stylesheets.map((href) => `<link rel="stylesheet" href="${href}">`).join('\n')}
<title>${escapeHtml(title)}</title>
</head>`;
}
