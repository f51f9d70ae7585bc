// Test-runner extension for code-server (which has no --extensionTestsPath). The harness copies this file's
// compiled form next to package.json into a fresh extensions folder. Environment variables set on the
// code-server process reach the extension host unchanged, so they are the channel:
//   SHEPHERD_SUITE_ENTRY   compiled suite entry exporting run(): Promise<void> (the @vscode/test-electron shape)
//   SHEPHERD_SUITE_RESULTS where the suite writes mocha's JSON report (read by the suite entry itself)
//   SHEPHERD_SUITE_STATUS  written here once run() settles: {"ok": true} or {"ok": false, "error": "..."}
import * as fs from 'node:fs';

interface SuiteModule {
  run?: () => Promise<void>;
}

function writeStatus(file: string, status: { ok: boolean; error?: string }): void {
  fs.writeFileSync(
    `${file}.tmp`,
    JSON.stringify({ ...status, pid: process.pid, finishedAt: new Date().toISOString() }),
  );
  fs.renameSync(`${file}.tmp`, file); // atomic: the harness never reads a half-written file
}

async function runSuite(entry: string, statusFile: string): Promise<void> {
  try {
    const suite = require(entry) as SuiteModule;
    if (typeof suite.run !== 'function') {
      throw new Error(`${entry} does not export run()`);
    }
    await suite.run();
    writeStatus(statusFile, { ok: true });
  } catch (error) {
    writeStatus(statusFile, {
      ok: false,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
}

export function activate(): void {
  const entry = process.env.SHEPHERD_SUITE_ENTRY;
  const statusFile = process.env.SHEPHERD_SUITE_STATUS;
  if (!entry || !statusFile) {
    return; // not started by the harness
  }
  // A reloaded window restarts the extension host; run the suite only once per harness run.
  const claim = `${statusFile}.claimed`;
  try {
    fs.writeFileSync(claim, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return; // an earlier extension host of this run has the suite
    }
    throw error;
  }
  void runSuite(entry, statusFile);
}

export function deactivate(): void {
  // nothing to dispose
}
