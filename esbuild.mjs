// Bundles the extension (cjs for the Node extension host) and the demo agent it ships (a standalone
// Node script). `--production` minifies; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';

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

const contexts = await Promise.all([esbuild.context(extensionOptions), esbuild.context(demoAgentOptions)]);

if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
  await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
}
