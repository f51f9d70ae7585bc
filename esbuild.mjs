// Bundles the extension (cjs for the Node extension host), the demo agent and the sentinel it ships
// (standalone Node scripts), the headless fleet peer (a standalone Node script for machines without an
// editor) and the session and usage webviews (iifes for the browser), and copies the codicon font the
// webviews use. `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const extensionOptions = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outfile: 'dist/extension.js',
  external: ['vscode'],
  sourcemap: true,
  minify: production,
  logLevel: 'info',
};

/** @type {import('esbuild').BuildOptions} */
const demoAgentOptions = {
  ...extensionOptions,
  entryPoints: ['src/demo-agent/main.ts'],
  outfile: 'dist/demo-agent.js',
  external: [],
};

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

/** @type {import('esbuild').BuildOptions} */
const peerOptions = {
  ...extensionOptions,
  entryPoints: ['src/peer/main.ts'],
  outfile: 'dist/shepherd-peer.js',
  external: [],
  banner: { js: '#!/usr/bin/env node' },
  define: { SHEPHERD_PEER_VERSION: JSON.stringify(version) },
};

/** @type {import('esbuild').BuildOptions} */
const sentinelOptions = {
  ...extensionOptions,
  entryPoints: ['src/sentinel/main.ts'],
  outfile: 'dist/sentinel.js',
  external: [],
};

/** @type {import('esbuild').BuildOptions} */
const webviewOptions = {
  entryPoints: ['src/webview/session/main.ts'],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  outfile: 'dist/webview/session.js',
  tsconfig: 'src/webview/tsconfig.json',
  sourcemap: true,
  minify: production,
  logLevel: 'info',
};

/** @type {import('esbuild').BuildOptions} */
const usageWebviewOptions = {
  ...webviewOptions,
  entryPoints: ['src/webview/usage/main.ts'],
  outfile: 'dist/webview/usage.js',
};

mkdirSync('dist/webview/codicons', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) {
  cpSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/codicons/${file}`);
}

const contexts = await Promise.all([
  esbuild.context(extensionOptions),
  esbuild.context(demoAgentOptions),
  esbuild.context(sentinelOptions),
  esbuild.context(peerOptions),
  esbuild.context(webviewOptions),
  esbuild.context(usageWebviewOptions),
]);

if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
  await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
}
