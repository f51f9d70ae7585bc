// Runs the extension-host suite (out/test/suite) inside code-server = VS Code 1.100.3, offline.
//   node out/test/harness/runHostSuite.js [--vsix dist/shepherd.vsix | --symlink]
// code-server has no --extensionTestsPath, so a runner extension (test/host-runner) activates on startup, runs
// the suite entry and writes mocha's JSON report; the extension host only starts once a browser opens the
// workbench, hence chromium. Prints `host suite: N passed, N failed`; exits non-zero on failures, on zero
// tests, and if any process it started outlives it.
// Env: SHEPHERD_HOST_TIMEOUT_MS (default 300000), SHEPHERD_SUITE_GREP, SHEPHERD_KEEP_TEMP=1.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkbench, saveFailureArtifacts, type Workbench } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import { ensureCodeServer, VSCODE_VERSION } from './codeServerInstall';
import { FIXTURE_WORKSPACE, SUITE_ENTRY } from './paths';
import {
  abortOnSignals,
  assertNoLeftovers,
  describeSource,
  extensionSourceFrom,
  prepareExtensionsDir,
  waitForFile,
} from './session';
import { runMain } from './cli';

interface MochaJsonTest {
  fullTitle: string;
  duration?: number;
  err?: { message?: string; stack?: string };
}

interface MochaJsonReport {
  stats: { tests: number; passes: number; failures: number; pending: number; duration?: number };
  failures: MochaJsonTest[];
  passes: MochaJsonTest[];
}

interface RunnerStatus {
  ok: boolean;
  error?: string;
}

function log(message: string): void {
  process.stdout.write(`[host] ${message}\n`);
}

/**
 * One run of the suite in a fresh code-server. The trust tests also run in Restricted Mode: a second pass
 * without --disable-workspace-trust, where the trust dialog is left unanswered.
 */
interface Pass {
  readonly name: string;
  readonly trusted: boolean;
  /** Only tests whose title matches; all when undefined. */
  readonly grep: string | undefined;
}

interface PassResult {
  readonly passed: number;
  readonly failed: number;
  readonly exitCode: number;
}

const RESTRICTED_GREP = 'workspace trust';

async function runPass(
  pass: Pass,
  source: ReturnType<typeof extensionSourceFrom>,
  signal: AbortSignal,
): Promise<PassResult> {
  const started = Date.now();
  const timeoutMs = Number(process.env.SHEPHERD_HOST_TIMEOUT_MS ?? 300_000);
  const marker = randomUUID();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-host-'));
  const resultsFile = path.join(tmp, 'results.json');
  const statusFile = path.join(tmp, 'status.json');
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let exitCode = 1;
  let passed = 0;
  let failed = 0;

  try {
    await ensureCodeServer();
    if (!fs.existsSync(SUITE_ENTRY)) {
      throw new Error(`${SUITE_ENTRY} is missing; compile the tests first (npx tsc -p .)`);
    }
    const extensionsDir = path.join(tmp, 'extensions');
    await prepareExtensionsDir(extensionsDir, source, { withRunner: true });
    log(`${pass.name}: extension under test: ${describeSource(source)}`);

    server = await startCodeServer({
      workspaceFolder: FIXTURE_WORKSPACE,
      extensionsDir,
      trust: pass.trusted,
      marker,
      env: {
        SHEPHERD_SUITE_ENTRY: SUITE_ENTRY,
        SHEPHERD_SUITE_RESULTS: resultsFile,
        SHEPHERD_SUITE_STATUS: statusFile,
        SHEPHERD_SUITE_TRUSTED: pass.trusted ? '1' : '0',
        ...(pass.grep ? { SHEPHERD_SUITE_GREP: pass.grep } : {}),
      },
    });
    log(`code-server (VS Code ${VSCODE_VERSION}) at ${server.url}, log ${server.logPath}`);
    workbench = await openWorkbench({ server, ...(pass.trusted ? {} : { trustDialog: 'leave' as const }) });
    log(
      `workbench loaded after ${((Date.now() - started) / 1000).toFixed(1)}s; waiting for the suite (timeout ${timeoutMs / 1000}s)`,
    );

    try {
      await waitForFile(statusFile, timeoutMs, signal);
    } catch (error) {
      if (signal.aborted) {
        throw error;
      }
      throw new Error(
        `the host suite did not finish within ${timeoutMs / 1000}s (no ${path.basename(statusFile)}): either the runner extension ` +
          `never activated (see vscode-logs/*/exthost*/remoteexthost.log in the artifacts) or a test hangs.`,
      );
    }
    const status = JSON.parse(fs.readFileSync(statusFile, 'utf8')) as RunnerStatus;
    if (!fs.existsSync(resultsFile)) {
      throw new Error(`the suite wrote no results; runner status: ${status.error ?? 'ok'}`);
    }
    const report = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as MochaJsonReport;
    passed = report.stats.passes;
    failed = report.stats.failures;
    for (const test of report.passes) {
      log(`  ok    ${test.fullTitle} (${test.duration ?? 0} ms)`);
    }
    for (const test of report.failures) {
      log(`  FAIL  ${test.fullTitle}\n${(test.err?.stack ?? test.err?.message ?? '').replace(/^/gm, '        ')}`);
    }
    if (!status.ok && failed === 0) {
      throw new Error(`the suite entry failed outside any test: ${status.error ?? '(no detail)'}`);
    }
    if (report.stats.tests === 0 || passed + failed === 0) {
      throw new Error('the host suite ran zero tests');
    }
    exitCode = failed > 0 ? 1 : 0;
  } catch (error) {
    process.stderr.write(`[host] ${error instanceof Error ? error.message : String(error)}\n`);
    exitCode = 1;
  } finally {
    if (exitCode !== 0) {
      await saveFailureArtifacts(`host-suite-${pass.name}`, { workbench, server });
    }
    await workbench?.close();
    try {
      await server?.stop();
    } catch (error) {
      process.stderr.write(`[host] ${String(error)}\n`);
      exitCode = 1;
    }
    if (process.env.SHEPHERD_KEEP_TEMP) {
      log(`kept ${tmp} (SHEPHERD_KEEP_TEMP)`);
    } else {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    try {
      await assertNoLeftovers(marker);
    } catch (error) {
      process.stderr.write(`[host] ${error instanceof Error ? error.message : String(error)}\n`);
      exitCode = 1;
    }
  }
  log(`${pass.name}: ${passed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return { passed, failed, exitCode };
}

async function main(): Promise<number> {
  const signal = abortOnSignals();
  const started = Date.now();
  const source = extensionSourceFrom();
  const grep = process.env.SHEPHERD_SUITE_GREP;
  const passes: Pass[] = [
    { name: 'trusted', trusted: true, grep },
    ...(grep === undefined || new RegExp(grep).test(RESTRICTED_GREP)
      ? [{ name: 'restricted', trusted: false, grep: RESTRICTED_GREP }]
      : []),
  ];
  let passed = 0;
  let failed = 0;
  let exitCode = 0;
  for (const pass of passes) {
    if (signal.aborted) {
      break;
    }
    const result = await runPass(pass, source, signal);
    passed += result.passed;
    failed += result.failed;
    exitCode ||= result.exitCode;
  }
  process.stdout.write(`host suite: ${passed} passed, ${failed} failed\n`);
  log(`took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return signal.aborted ? 130 : exitCode;
}

runMain('host', main);
