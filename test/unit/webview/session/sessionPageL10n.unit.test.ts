// The session page in another language: the panel puts VS Code's bundle in the page, and the page's
// own words come from it. The page, its policy and its bundle are the shipped ones.
import * as assert from 'node:assert/strict';
import { Page } from 'playwright-core';
import type { SessionView } from '../../../../src/shared/sessionModel';
import { pageInChromium, postToPage, serveSessionPage, settled } from '../../../helpers/webviewPageBrowser';

const SESSION: SessionView = {
  id: 's1',
  title: 'Session',
  agentId: 'demo',
  agentLabel: 'Demo agent',
  isDemo: true,
  state: 'idle',
  model: undefined,
  workerId: 'w',
  usage: { inputTokens: 1_000, outputTokens: 20, costUsd: 0 },
  lastActivity: 0,
  createdAt: 0,
  message: undefined,
  canResume: false,
};

/** A translation that also tries to close the element the bundle travels in. */
const BUNDLE = {
  You: 'Du',
  idle: 'untätig',
  '{0} tokens in · {1} out': '{0} Token rein · {1} raus',
  Thinking: '</script><script>window.__escaped = true</script>',
};

describe('the session page in another language (Chromium)', function () {
  this.timeout(60_000);
  const chromium = pageInChromium(() => serveSessionPage(BUNDLE));
  let page: Page;

  beforeEach(() => {
    page = chromium.page;
  });

  it("says the page's words from the bundle, placeholders filled, and keeps a hostile one as text", async () => {
    await postToPage(page, {
      type: 'init',
      session: SESSION,
      entries: [
        { kind: 'user', id: 1, at: 0, text: 'hi' },
        { kind: 'thinking', id: 2, at: 0, text: 'hmm' },
      ],
    });
    await settled(page);
    assert.equal(await page.textContent('.entry.user .who'), 'Du');
    assert.equal(await page.textContent('#status .part.state'), 'untätig');
    assert.equal(await page.textContent('#status .part.tokens'), '1,000 Token rein · 20 raus');
    assert.equal(await page.textContent('.entry.thinking summary'), BUNDLE.Thinking);
    assert.equal(await page.evaluate('window.__escaped'), undefined, 'a translation ran as script');
  });
});
