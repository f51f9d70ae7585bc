// The session panel's page in Chromium: the empty conversation's hint and examples, the Interrupt
// button, and the header. The page, its policy and its bundle are the shipped ones.
import * as assert from 'node:assert/strict';
import { Page } from 'playwright-core';
import type { SessionView } from '../../../../src/shared/sessionModel';
import { pageInChromium, postToPage, serveSessionPage, settled } from '../../../helpers/webviewPageBrowser';

function view(overrides: Partial<SessionView> = {}): SessionView {
  return {
    id: 's1',
    title: 'Session',
    agentId: 'demo',
    agentLabel: 'Demo agent (canned replies)',
    isDemo: true,
    state: 'idle',
    model: 'demo-model',
    workerId: 'w',
    usage: { inputTokens: 12_345, outputTokens: 678, costUsd: 0.25 },
    lastActivity: 0,
    createdAt: 0,
    message: undefined,
    canResume: true,
    ...overrides,
  };
}

describe('the session page (Chromium)', function () {
  this.timeout(60_000);
  const chromium = pageInChromium(() => serveSessionPage());
  let page: Page;

  beforeEach(() => {
    page = chromium.page;
  });

  const posted = async (): Promise<Array<{ type: string }>> =>
    (await page.evaluate('window.__posted')) as Array<{ type: string }>;

  it('shows an empty session a hint and example prompts; an example fills the box without sending', async () => {
    await postToPage(page, { type: 'init', session: view(), entries: [] });
    await settled(page);
    assert.equal(await page.isVisible('#empty'), true);
    const examples = page.locator('#empty button.example');
    assert.ok((await examples.count()) >= 2 && (await examples.count()) <= 3, 'two or three examples');
    const example = (await examples.nth(1).textContent()) ?? '';
    await examples.nth(1).click();
    assert.equal(await page.inputValue('#input'), example);
    assert.equal(await page.evaluate('document.activeElement.id'), 'input', 'the box has the focus');
    assert.deepEqual(
      (await posted()).map((m) => m.type),
      ['ready'],
      'an example is not sent by itself',
    );
    await postToPage(page, {
      type: 'transcript',
      change: { type: 'append', entry: { kind: 'user', id: 1, at: 0, text: example } },
    });
    await settled(page);
    assert.equal(await page.isVisible('#empty'), false, 'the hint goes once the conversation starts');
  });

  it('keeps the hint away from a session that already has a conversation', async () => {
    await postToPage(page, {
      type: 'init',
      session: view(),
      entries: [{ kind: 'assistant', id: 1, at: 0, text: 'hello' }],
    });
    await settled(page);
    assert.equal(await page.isVisible('#empty'), false);
  });

  it('offers Interrupt as a stop button only while the agent works, and it posts interrupt', async () => {
    await postToPage(page, { type: 'init', session: view(), entries: [] });
    await settled(page);
    assert.equal(await page.isVisible('#interrupt'), false, 'nothing to interrupt while idle');
    await postToPage(page, { type: 'session', session: view({ state: 'busy' }) });
    await settled(page);
    const button = page.locator('#interrupt');
    assert.equal(await button.isVisible(), true);
    assert.equal(await button.isEnabled(), true);
    assert.equal(await button.evaluate((node) => node.tagName), 'BUTTON');
    assert.equal(await button.locator('.codicon-debug-stop').count(), 1);
    // The codicon font loaded under the strict CSP, so the icon is a glyph, not an empty box.
    const codiconLoaded = `document.fonts.ready.then(() =>
      [...document.fonts].some((face) => face.family.replace(/"/g, '') === 'codicon' && face.status === 'loaded'))`;
    assert.equal(await page.evaluate(codiconLoaded), true);
    await button.click();
    assert.ok((await posted()).some((m) => m.type === 'interrupt'));
  });

  it('says agent, model, state, tokens and cost once each in the header', async () => {
    await postToPage(page, { type: 'init', session: view(), entries: [] });
    await settled(page);
    const parts = await page.$$eval('#status .part', (nodes) =>
      nodes.map((node) => [node.className.replace('part ', ''), node.textContent ?? '']),
    );
    assert.deepEqual(parts, [
      ['agent', 'Demo agent (canned replies)'],
      ['model', 'demo-model'],
      ['state', 'idle'],
      ['tokens', '12,345 tokens in · 678 out'],
      ['cost', '$0.25'],
    ]);
    const header = (await page.textContent('#status')) ?? '';
    assert.equal(header.match(/demo agent/gi)?.length, 1, header);
    await postToPage(page, {
      type: 'session',
      session: view({ agentLabel: 'My canned bot', model: undefined, state: 'waiting-for-input' }),
    });
    await settled(page);
    assert.deepEqual(await page.$$eval('#status .part', (nodes) => nodes.map((node) => node.textContent)), [
      'My canned bot (demo)',
      'waiting for input',
      '12,345 tokens in · 678 out',
      '$0.25',
    ]);
  });
});
