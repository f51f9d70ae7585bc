import * as assert from 'node:assert/strict';
import { Browser, Page } from 'playwright-core';
import { UsageExtensionMessage, UsageSample } from '../../../src/shared/usageProtocol';
import { findMarked, killMarked, newMarker } from '../../helpers/processes';
import {
  launchChromium,
  openWebviewPage,
  PageWindow,
  serveUsagePage,
  WebviewPageServer,
} from '../../helpers/webviewPageBrowser';

/** A hostile label sets this global if it ever runs. */
const PWNED = '__pwned';

const HOSTILE = `<img src=x onerror="window.${PWNED}='label'">`;
const NOW = Date.UTC(2026, 11, 2, 12);
const MB = 1024 * 1024;

function samples(count: number): UsageSample[] {
  return Array.from({ length: count }, (_, i) => ({
    at: NOW - (count - 1 - i) * 2_000,
    cpuPercent: i % 10,
    rssBytes: (100 + i) * MB,
  }));
}

function update(overrides: Partial<UsageExtensionMessage> = {}): UsageExtensionMessage {
  const bar = (label: string, inputTokens: number, outputTokens: number, costUsd: number) => ({
    label,
    inputTokens,
    outputTokens,
    costUsd,
  });
  return {
    type: 'update',
    summary: {
      perAgent: [bar('Claude Code', 12_000, 3_000, 0.42), bar(HOSTILE, 500, 100, 0)],
      perSession: [bar('Fix the login bug', 9_000, 2_000, 0.3), bar('Write tests', 3_000, 1_000, 0.12)],
      perDay: [bar('2026-12-01', 0, 0, 0), bar('2026-12-02', 12_500, 3_100, 0.42)],
      total: bar('total', 12_500, 3_100, 0.42),
    },
    workers: [
      { id: 'web', label: 'web', running: true },
      { id: 'db', label: HOSTILE, running: false },
    ],
    selectedWorkerId: 'web',
    samples: samples(300),
    windowMs: 10 * 60_000,
    now: NOW,
    ...overrides,
  };
}

/** What the page shows, read in the page. */
const INSPECT = `(() => {
  const count = (selector) => document.querySelectorAll(selector).length;
  const texts = (selector) => [...document.querySelectorAll(selector)].map((node) => node.textContent);
  return {
    pwned: window.${PWNED} === undefined ? null : String(window.${PWNED}),
    images: count('img, iframe, script:not([nonce])'),
    agentBars: count('#per-agent rect.input'),
    sessionBars: count('#per-session rect.output'),
    dayBars: count('#per-day g.bar'),
    agentLabels: texts('#per-agent text.label'),
    cpuPoints: (document.querySelector('#cpu polyline')?.getAttribute('points') ?? '').split(' ').filter(Boolean).length,
    rssLabel: texts('#rss text.label').join(),
    options: texts('#worker option'),
    totals: document.getElementById('totals').textContent,
    empty: texts('.empty'),
    violations: window.__violations,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
  };
})()`;

interface Inspection {
  readonly pwned: string | null;
  readonly images: number;
  readonly agentBars: number;
  readonly sessionBars: number;
  readonly dayBars: number;
  readonly agentLabels: string[];
  readonly cpuPoints: number;
  readonly rssLabel: string;
  readonly options: string[];
  readonly totals: string;
  readonly empty: string[];
  readonly violations: string[];
  readonly csp: string;
}

describe('the usage page (Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let server: WebviewPageServer;
  let marker: string;

  before(async function () {
    this.timeout(60_000);
    server = await serveUsagePage();
  });

  after(async () => {
    await server.close();
  });

  beforeEach(async () => {
    marker = newMarker();
    browser = await launchChromium(marker);
  });

  afterEach(async () => {
    await browser?.close();
    const leaked = await findMarked(marker);
    await killMarked(marker);
    assert.deepEqual(leaked, [], `Chromium processes outlived the test: ${leaked.join(', ')}`);
  });

  async function openPage(): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    assert.ok(browser);
    return openWebviewPage(browser, server.origin);
  }

  async function post(page: Page, message: UsageExtensionMessage): Promise<Inspection> {
    // Runs in the page, where globalThis is the window; the cast only satisfies Node's typings.
    await page.evaluate((m) => (globalThis as unknown as PageWindow).postMessage(m, '*'), message);
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(true)))');
    return page.evaluate<Inspection>(INSPECT);
  }

  it('draws the bars per agent, session and day and the CPU and RSS lines, under the strict policy', async () => {
    const { page, requests, errors } = await openPage();
    const seen = await post(page, update());
    assert.equal(seen.agentBars, 2);
    assert.equal(seen.sessionBars, 2);
    assert.equal(seen.dayBars, 2, 'a day without use is a bar of zero, not a gap');
    assert.ok(seen.agentLabels.includes('Claude Code'));
    assert.ok(
      seen.agentLabels.some((label) => label.startsWith('<img')),
      'a hostile label is shown as text',
    );
    assert.equal(seen.cpuPoints, 300, 'one point per sample');
    assert.match(seen.rssLabel, /Memory \(RSS\) · max 399 MB/);
    assert.deepEqual(seen.options, ['web', `${HOSTILE} (not running)`]);
    assert.match(seen.totals, /12\.5k input and 3\.1k output tokens, \$0\.42, over 2 agents/);
    assert.equal(seen.pwned, null, 'nothing from the data ran');
    assert.equal(seen.images, 0, 'nothing from the data became an element that loads or runs');
    assert.deepEqual(seen.violations, [], 'the page needs nothing its policy forbids');
    assert.match(seen.csp, /default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'; style-src http:\/\/127\.0\.0\.1/);
    assert.ok(
      requests.every((url) => url.startsWith(server.origin)),
      `only the page's own assets load: ${requests.join(', ')}`,
    );
    assert.deepEqual(errors, [], 'the page threw');

    await page.selectOption('#worker', 'db');
    await page.waitForFunction('window.__posted.some((m) => m.type === "selectWorker")');
    const posted = await page.evaluate<unknown[]>('window.__posted');
    assert.deepEqual(posted, [{ type: 'ready' }, { type: 'selectWorker', workerId: 'db' }]);
  });

  it('says why a chart is empty instead of drawing nothing', async () => {
    const { page } = await openPage();
    const zero = { label: 'x', inputTokens: 0, outputTokens: 0, costUsd: 0 };
    const seen = await post(
      page,
      update({
        summary: { perAgent: [], perSession: [], perDay: [zero], total: { ...zero, label: 'total' } },
        workers: [],
        selectedWorkerId: undefined,
        samples: [],
      }),
    );
    assert.deepEqual(seen.empty, [
      'No agent session has used tokens yet.',
      'No agent session has used tokens yet.',
      'No tokens used in the last days.',
      'No workers yet: start one to see its CPU and memory here.',
    ]);
    assert.equal(seen.cpuPoints, 0);
  });
});
