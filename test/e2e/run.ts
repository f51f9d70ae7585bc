// Playwright-driven e2e tests against the real workbench (code-server = VS Code 1.100.3 + Debian chromium).
//   node out/test/e2e/run.js [--vsix dist/shepherd.vsix | --symlink] [--grep <pattern>]
// Runs out/test/e2e/**/*.e2e.test.js with mocha (BDD) against one shared workbench, saves a screenshot and logs
// under test-results/ for each failing test, prints `e2e: N passed, N failed`, exits non-zero on failures, zero
// tests, or any process outliving the run.
import { fakeAcpAgentSetting } from './fakeAcpAgent';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Mocha from 'mocha';
import { openWorkbench, saveFailureArtifacts, type Workbench } from '../harness/browser';
import { findFiles, runMain } from '../harness/cli';
import { startCodeServer, type CodeServer } from '../harness/codeServer';
import { ensureCodeServer } from '../harness/codeServerInstall';
import { DemoFleet, startDemoFleet } from '../harness/demoFleet';
import { DEMO_WORKSPACE, SLOW_LOGIN_SHELL } from '../harness/paths';
import {
  abortOnSignals,
  assertNoLeftovers,
  describeSource,
  extensionSourceFrom,
  prepareExtensionsDir,
} from '../harness/session';
import { e2e, setE2EContext } from './context';
import { type GeminiE2E, startGeminiE2E } from './geminiAgent';
import { dismissOverlays, waitForShepherd } from './shepherdUi';

function log(message: string): void {
  process.stdout.write(`[e2e] ${message}\n`);
}

async function main(): Promise<number> {
  const signal = abortOnSignals();
  const started = Date.now();
  const source = extensionSourceFrom();
  const marker = randomUUID();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-e2e-'));
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let fleet: DemoFleet | undefined;
  let gemini: GeminiE2E | undefined;
  let exitCode = 1;
  let passed = 0;
  let failed = 0;
  let setupFailed = false;

  try {
    const specs = findFiles(__dirname, '.e2e.test.js');
    if (specs.length === 0) {
      throw new Error(`no *.e2e.test.js under ${__dirname}; compile the tests first (npx tsc -p .)`);
    }
    await ensureCodeServer();
    const extensionsDir = path.join(tmp, 'extensions');
    await prepareExtensionsDir(extensionsDir, source, { withRunner: false });
    log(`extension under test: ${describeSource(source)}`);
    // The demo's fleet, as `npm start` runs it: the Fleet spec drives the window against its peer.
    fleet = await startDemoFleet(marker, log);
    // The mock Gemini API the real Gemini CLI talks to; it outlives the workbench, whose agents are its clients.
    gemini = await startGeminiE2E(tmp, DEMO_WORKSPACE);
    log(`mock Gemini API at ${gemini.mock.url}`);
    // A slow login shell as $SHELL: the workbench must not wait for it (see the smoke spec).
    server = await startCodeServer({
      workspaceFolder: DEMO_WORKSPACE,
      extensionsDir,
      trust: true,
      marker,
      env: { SHELL: SLOW_LOGIN_SHELL },
      settings: {
        'shepherd.agents': [fakeAcpAgentSetting(), gemini.setting],
        ...(fleet ? { 'shepherd.fleet.redisUrl': fleet.redisUrl } : {}),
      },
    });
    workbench = await openWorkbench({ server });
    log(`workbench loaded after ${((Date.now() - started) / 1000).toFixed(1)}s`);
    await waitForShepherd(workbench.page);
    log(`Shepherd active after ${((Date.now() - started) / 1000).toFixed(1)}s`);
    setE2EContext({ server, workbench, page: workbench.page, workspaceFolder: DEMO_WORKSPACE, fleet, gemini });

    const grepIndex = process.argv.indexOf('--grep');
    const mocha = new Mocha({
      ui: 'bdd',
      reporter: 'spec',
      timeout: 60_000,
      slow: 10_000,
      color: process.stdout.isTTY === true,
    });
    const grep = grepIndex >= 0 ? process.argv[grepIndex + 1] : undefined;
    if (grep) {
      mocha.grep(grep);
    }
    mocha.rootHooks({
      async afterEach(this: Mocha.Context) {
        const test = this.currentTest;
        if (test?.state === 'failed') {
          await saveFailureArtifacts(`e2e-${test.fullTitle()}`, { workbench: e2e().workbench, server: e2e().server });
        }
        await dismissOverlays(e2e().page);
      },
    });
    for (const spec of specs) {
      mocha.addFile(spec);
    }
    const stats = await new Promise<Mocha.Stats>((resolve) => {
      const runner = mocha.run(() => resolve(runner.stats ?? ({ passes: 0, failures: 0 } as Mocha.Stats)));
      signal.addEventListener('abort', () => runner.abort());
    });
    passed = stats.passes;
    failed = stats.failures;
    if (passed + failed === 0) {
      throw new Error('the e2e run executed zero tests');
    }
    exitCode = failed > 0 ? 1 : 0;
  } catch (error) {
    setupFailed = true;
    process.stderr.write(`[e2e] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    exitCode = 1;
  } finally {
    if (setupFailed) {
      await saveFailureArtifacts('e2e-setup', { workbench, server });
    }
    setE2EContext(undefined);
    await workbench?.close();
    try {
      await server?.stop();
    } catch (error) {
      process.stderr.write(`[e2e] ${String(error)}\n`);
      exitCode = 1;
    }
    await gemini?.mock.close();
    try {
      await fleet?.stop();
    } catch (error) {
      process.stderr.write(`[e2e] ${String(error)}\n`);
      exitCode = 1;
    }
    if (!process.env.SHEPHERD_KEEP_TEMP) {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    try {
      await assertNoLeftovers(marker);
    } catch (error) {
      process.stderr.write(`[e2e] ${error instanceof Error ? error.message : String(error)}\n`);
      exitCode = 1;
    }
  }
  process.stdout.write(`e2e: ${passed} passed, ${failed} failed\n`);
  log(`took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return signal.aborted ? 130 : exitCode;
}

runMain('e2e', main);
