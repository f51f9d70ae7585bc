// Shared setup for the extension-host suite and the e2e tests: a fresh extensions folder holding the
// extension under test (its VSIX by default) plus, optionally, the test-runner extension.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_MARKER_VAR } from '../helpers/processes';
import { installVsix, leftoverProcesses } from './codeServer';
import { DEFAULT_VSIX, HOST_RUNNER_COMPILED_DIR, HOST_RUNNER_SOURCE_DIR, readManifest, REPO_ROOT } from './paths';
import { terminate } from './processes';

/**
 * How the extension under test gets into the workbench:
 * - vsix (default): the packaged dist/shepherd.vsix, installed with code-server's --install-extension, i.e. what users get;
 * - symlink: the repository folder linked in as publisher.name-version (no packaging step; uses dist/extension.js as built).
 */
export type ExtensionSource = { kind: 'vsix'; vsixPath: string } | { kind: 'symlink'; dir: string };

/** From argv (`--vsix <file>`, `--symlink`) or env (SHEPHERD_VSIX=<file>, SHEPHERD_EXTENSION_SOURCE=symlink). */
export function extensionSourceFrom(
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): ExtensionSource {
  const vsixIndex = argv.indexOf('--vsix');
  if (vsixIndex >= 0) {
    const file = argv[vsixIndex + 1];
    if (!file) {
      throw new Error('--vsix needs a file');
    }
    return { kind: 'vsix', vsixPath: path.resolve(file) };
  }
  if (argv.includes('--symlink') || env.SHEPHERD_EXTENSION_SOURCE === 'symlink') {
    return { kind: 'symlink', dir: REPO_ROOT };
  }
  return { kind: 'vsix', vsixPath: path.resolve(env.SHEPHERD_VSIX ?? DEFAULT_VSIX) };
}

export function describeSource(source: ExtensionSource): string {
  return source.kind === 'vsix'
    ? `VSIX ${path.relative(REPO_ROOT, source.vsixPath) || source.vsixPath}`
    : `symlink to ${source.dir}`;
}

/**
 * Fills a fresh extensions folder. Folders are placed before the VSIX is installed, because code-server records
 * the folder's contents in extensions.json on its first scan.
 */
export async function prepareExtensionsDir(
  extensionsDir: string,
  source: ExtensionSource,
  options: { withRunner: boolean },
): Promise<void> {
  fs.mkdirSync(extensionsDir, { recursive: true });
  if (fs.readdirSync(extensionsDir).length > 0) {
    throw new Error(`${extensionsDir} is not empty; use a fresh extensions folder per run`);
  }
  if (options.withRunner) {
    const manifest = readManifest(HOST_RUNNER_SOURCE_DIR);
    const compiled = path.join(HOST_RUNNER_COMPILED_DIR, 'extension.js');
    if (!fs.existsSync(compiled)) {
      throw new Error(`${compiled} is missing; compile the tests first (npx tsc -p .)`);
    }
    const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
    fs.mkdirSync(target);
    fs.copyFileSync(path.join(HOST_RUNNER_SOURCE_DIR, 'package.json'), path.join(target, 'package.json'));
    fs.copyFileSync(compiled, path.join(target, 'extension.js'));
  }
  if (source.kind === 'symlink') {
    const manifest = readManifest(source.dir);
    fs.symlinkSync(
      source.dir,
      path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`),
      'dir',
    );
  } else {
    if (!fs.existsSync(source.vsixPath)) {
      throw new Error(
        `${source.vsixPath} does not exist; run \`npm run package\` first (or pass --symlink to use the repository folder)`,
      );
    }
    await installVsix(source.vsixPath, extensionsDir);
  }
}

/** Fails (after killing them) if any process carrying the run's marker is still alive. Zombies are ignored. */
export async function assertNoLeftovers(markerValue: string): Promise<void> {
  const left = leftoverProcesses(markerValue);
  if (left.length === 0) {
    return;
  }
  await terminate({ pgids: [], markers: [{ name: RUN_MARKER_VAR, value: markerValue }] }, 2000);
  throw new Error(`processes started by the harness outlived it (now killed):\n  ${left.join('\n  ')}`);
}

/** Resolves when `file` exists; rejects after `timeoutMs` or when `signal` aborts. */
export async function waitForFile(file: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (signal?.aborted) {
      throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${file}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * An AbortSignal that fires on the first SIGINT/SIGTERM/SIGHUP, so runs still reach their cleanup. A second signal
 * exits at once; the 'exit' hooks then SIGKILL the servers and Playwright kills chromium.
 */
export function abortOnSignals(): AbortSignal {
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (controller.signal.aborted) {
        process.exit(130);
      }
      process.exitCode = 130;
      controller.abort(new Error(`received ${sig}`));
    });
  }
  return controller.signal;
}
