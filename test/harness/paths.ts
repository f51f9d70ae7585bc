// Locations shared by the code-server harness, the host-suite runner and the e2e runner.
import * as fs from 'node:fs';
import * as path from 'node:path';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (parsed.name === 'shepherd') {
        return dir;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`could not find the Shepherd repository root above ${start}`);
    }
    dir = parent;
  }
}

/** The repository root (the folder holding Shepherd's package.json). Works from test/harness and out/test/harness. */
export const REPO_ROOT = findRepoRoot(__dirname);
/** Downloads and installs used only by tests (gitignored). */
export const VSCODE_TEST_DIR = path.join(REPO_ROOT, '.vscode-test');
/** Screenshots and logs of failed runs (gitignored). */
export const TEST_RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
/** The folder opened in the workbench by the host suite. */
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
/** The demo workspace: what `npm start` opens, and what the e2e tests use as a user would. */
export const DEMO_WORKSPACE = path.join(REPO_ROOT, 'examples', 'demo');
/** A login shell that takes 30 s to answer, as some users' do: the e2e workbench runs with it as $SHELL. */
export const SLOW_LOGIN_SHELL = path.join(REPO_ROOT, 'test', 'fixtures', 'slow-login-shell.sh');
/** Sources of the test-runner extension (package.json lives here; its compiled JS in out/). */
export const HOST_RUNNER_SOURCE_DIR = path.join(REPO_ROOT, 'test', 'host-runner');
export const HOST_RUNNER_COMPILED_DIR = path.join(REPO_ROOT, 'out', 'test', 'host-runner');
/** Compiled extension-host suite entry (exports run(), as @vscode/test-electron expects). */
export const SUITE_ENTRY = path.join(REPO_ROOT, 'out', 'test', 'suite', 'index.js');
/** The VSIX written by `npm run package`. */
export const DEFAULT_VSIX = path.join(REPO_ROOT, 'dist', 'shepherd.vsix');

export interface ExtensionManifest {
  name: string;
  publisher: string;
  version: string;
}

export function readManifest(dir: string): ExtensionManifest {
  const parsed = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Partial<ExtensionManifest>;
  if (typeof parsed.name !== 'string' || typeof parsed.publisher !== 'string' || typeof parsed.version !== 'string') {
    throw new Error(`${dir}/package.json lacks name, publisher or version`);
  }
  return { name: parsed.name, publisher: parsed.publisher, version: parsed.version };
}

/** A timestamp safe for file names, e.g. 2026-11-23T09-24-01-303Z. */
export function fileStamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}
