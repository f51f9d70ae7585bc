// Shared state of an e2e run: one code-server and one workbench page for all specs (started by test/e2e/run.ts).
// Specs should leave the workbench neutral (close what they open) since the next spec reuses it.
import type { Page } from 'playwright-core';
import type { Workbench } from '../harness/browser';
import type { CodeServer } from '../harness/codeServer';
import type { DemoFleet } from '../harness/demoFleet';
import type { GeminiE2E } from './geminiAgent';

export interface E2EContext {
  server: CodeServer;
  workbench: Workbench;
  page: Page;
  /** Folder opened in the workbench (test/fixtures/workspace). */
  workspaceFolder: string;
  /** The local Redis and headless peer of `npm start`; undefined when redis-server is not on PATH. */
  fleet: DemoFleet | undefined;
  /** The mock Gemini API the real Gemini CLI (an agent of the workspace) talks to. */
  gemini: GeminiE2E;
}

let current: E2EContext | undefined;

export function setE2EContext(context: E2EContext | undefined): void {
  current = context;
}

export function e2e(): E2EContext {
  if (!current) {
    throw new Error('no e2e context: run e2e specs through out/test/e2e/run.js (npm run test:e2e)');
  }
  return current;
}
