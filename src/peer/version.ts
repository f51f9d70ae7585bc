/** Set by esbuild from package.json; "dev" when the peer runs from the compiled tests. */
declare const SHEPHERD_PEER_VERSION: string | undefined;

export const PEER_VERSION: string = typeof SHEPHERD_PEER_VERSION === 'string' ? SHEPHERD_PEER_VERSION : 'dev';
