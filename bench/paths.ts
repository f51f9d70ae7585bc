import * as path from 'node:path';

/**
 * The bench runs compiled, from out/bench/**; paths are computed from the repository root so
 * they hold wherever a module sits in that tree.
 */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function fixture(name: string): string {
  return path.join(REPO_ROOT, 'test', 'fixtures', name);
}

export const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

/** Written by the extension-host harness (npm run test:host); the bench only reads it. */
export const ACTIVATION_RESULTS = path.join(REPO_ROOT, 'test-results', 'activation.json');

/** The pm2 CLI of the pinned devDependency, run with this Node rather than through npx. */
export const PM2_BIN = path.join(REPO_ROOT, 'node_modules', 'pm2', 'bin', 'pm2');

/** The compiled entry of the process that runs Shepherd's core for one repetition (see host/main.ts). */
export const HOST_ENTRY = path.join(__dirname, 'host', 'main.js');

/** The compiled fake Claude Code agent the session scenarios talk to. */
export const STREAM_AGENT = path.join(__dirname, 'agents', 'streamAgent.js');

/** The compiled fake ACP agent of the ACP scenarios. */
export const ACP_AGENT = path.join(__dirname, 'agents', 'acpAgent.js');

/** The compiled writer of the output-flood scenario. */
export const FLOOD_WRITER = path.join(__dirname, 'agents', 'floodWriter.js');

/** Absolute paths, so both tools exec exactly the same binaries. */
export const SH = '/bin/sh';
export const SLEEP = '/bin/sleep';
