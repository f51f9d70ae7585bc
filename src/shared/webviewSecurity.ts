/**
 * The security policy of the session webview, free of the vscode module so the fault suite can load
 * the real page with the real policy in a browser. Uses only what Node 20 and browsers both have.
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
