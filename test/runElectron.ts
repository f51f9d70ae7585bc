// The same extension-host suite in desktop VS Code via @vscode/test-electron (needs to download VS Code from
// update.code.visualstudio.com, and a display: run under xvfb-run on headless Linux). Where that is impossible,
// use test/harness/runHostSuite.ts (code-server), which runs the identical suite entry offline.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { VSCODE_VERSION } from './harness/codeServerInstall';
import { FIXTURE_WORKSPACE, REPO_ROOT, SUITE_ENTRY } from './harness/paths';

async function main(): Promise<void> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-electron-'));
  try {
    await runTests({
      version: VSCODE_VERSION,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: SUITE_ENTRY,
      launchArgs: [
        FIXTURE_WORKSPACE,
        `--user-data-dir=${userDataDir}`,
        '--disable-extensions', // other installed extensions; the one under development stays enabled
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`extension-host tests failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
