// What a user does with Shepherd in the workbench, as Playwright steps: open the view, find a worker's row,
// pick from a quick pick, read the Output panel, use a session panel (a webview: two nested iframes).
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';

const VIEW_PANE = '.pane:has(.pane-header[aria-label^="Workers"])';

/** The Workers view's pane, showing or not. */
export function shepherdPane(page: Page): Locator {
  return page.locator(VIEW_PANE);
}

/** Clicks the Shepherd activity-bar icon, unless the Workers view is already showing. */
export async function openShepherdView(page: Page): Promise<Locator> {
  const pane = page.locator(VIEW_PANE);
  if (!(await pane.isVisible())) {
    await page
      .locator('.activitybar .action-item a[aria-label^="Shepherd"], .activitybar .action-item[aria-label^="Shepherd"]')
      .first()
      .click();
  }
  await pane.waitFor({ state: 'visible', timeout: 20_000 });
  return pane;
}

/**
 * Waits until Shepherd is active, as a user sees it: its status bar item shows the demo's running workers.
 * The workbench paints before the extension host is up, and a command run earlier only queues behind it.
 */
export async function waitForShepherd(page: Page, timeoutMs = 60_000): Promise<void> {
  await page
    .locator('.statusbar-item')
    .filter({ hasText: / running/ })
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
}

/** A worker's row in the Workers view; its aria-label is "<label>, <state>" (or "<label>, session <state>"). */
export function workerRow(page: Page, label: string): Locator {
  return page.locator(`${VIEW_PANE} .monaco-list-row[aria-label^="${label.replace(/"/g, '\\"')},"]`);
}

/** Waits until the worker's row says it is in `state`. */
export async function waitForRowState(
  page: Page,
  label: string,
  state: string | RegExp,
  timeoutMs = 20_000,
): Promise<void> {
  const pattern = typeof state === 'string' ? new RegExp(`, ${state}$`) : state;
  await workerRow(page, label).first().waitFor({ state: 'visible', timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await workerRow(page, label).first().getAttribute('aria-label')) ?? '';
    if (pattern.test(last)) {
      return;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`the row of "${label}" never matched ${pattern}; last: "${last}"`);
}

/** The description beside a worker's label ("running · 3m 12s", "stopping · SIGKILL in 2 s"). */
export async function rowDescription(page: Page, label: string): Promise<string> {
  return ((await workerRow(page, label).first().locator('.label-description').textContent()) ?? '').trim();
}

/**
 * Opens F1, runs the command with this exact title, and leaves its own quick pick (if any) open. The query is
 * typed again while the entry is missing: right after the window opens, contributed commands may lag behind.
 */
export async function startCommand(page: Page, title: string, timeoutMs = 20_000): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: title }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await input.isVisible())) {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
    }
    await input.fill(`>${title}`);
    if (
      await row.waitFor({ state: 'visible', timeout: 2_000 }).then(
        () => true,
        () => false,
      )
    ) {
      break;
    }
    if (Date.now() > deadline) {
      throw new Error(`the command palette never offered "${title}"`);
    }
    await input.fill('>');
  }
  await row.click();
}

/** Picks the quick-pick entry whose label contains `label` the keyboard way: type to filter, then Enter. */
export async function pickItem(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(label);
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label })
    .first()
    .waitFor({ state: 'visible', timeout: 10_000 });
  await input.press('Enter');
}

/** Closes whatever quick input or notification is open, so one failed step cannot derail the next test. */
export async function dismissOverlays(page: Page): Promise<void> {
  for (let i = 0; i < 3 && (await page.locator('.quick-input-widget').isVisible()); i++) {
    await page.keyboard.press('Escape');
  }
}

/**
 * Types into the input box titled `title` (a command's step, such as "Run Command as Worker (1/2): command")
 * and presses Enter, then waits for that box to go. A command's steps reuse one widget: text typed before the
 * next step shows would land in the step just answered. In CI an Enter on the step after the walkthrough's
 * was seen to go unanswered (the box kept the typed name, no validation message, for 20 s); a user presses
 * it again, and so does this, saying so on stderr with what had the focus.
 */
export async function answerInput(page: Page, title: string, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const step = widget.locator('.quick-input-title', { hasText: title });
  await step.waitFor({ state: 'visible', timeout: 10_000 });
  const input = widget.locator('input.input');
  await input.fill(text);
  for (let attempt = 1; ; attempt++) {
    await input.press('Enter');
    const gone = await step.waitFor({ state: 'hidden', timeout: 3_000 }).then(
      () => true,
      () => false,
    );
    if (gone) {
      return;
    }
    if (attempt === 4) {
      throw new Error(`the input box "${title}" stayed after ${attempt} presses of Enter`);
    }
    // A string expression: the tests are compiled without the DOM's types.
    const focused = String(
      await page.evaluate('document.activeElement ? document.activeElement.className : "nothing"'),
    );
    process.stderr.write(`[e2e] Enter on "${title}" went unanswered for 3 s (focus: ${focused}); pressing it again\n`);
  }
}

/**
 * Waits until the Output panel shows a line containing `text`. The panel's own filter box narrows it to the
 * matching lines, as a user would do in a long log; the filter is cleared afterwards.
 */
export async function waitForOutput(page: Page, text: string, timeoutMs = 20_000): Promise<string> {
  const panel = page.locator('.part.panel');
  // Exact: other panel views have filters too ("Filter (e.g. text, …)"), hidden while Output shows.
  const filter = panel.getByPlaceholder('Filter', { exact: true });
  await filter.waitFor({ state: 'visible', timeout: timeoutMs });
  // The same element throughout: once it holds text, the placeholder no longer finds it.
  const input = await filter.elementHandle();
  if (!input) {
    throw new Error('the Output panel has no filter box');
  }
  await input.fill(text);
  try {
    const lines = panel.locator('.view-lines').filter({ hasText: text }).first();
    await lines.waitFor({ state: 'visible', timeout: timeoutMs });
    // Monaco renders spaces as no-break spaces.
    return ((await lines.textContent()) ?? '').replace(/\u00a0/g, ' ');
  } finally {
    await input.fill('');
    await input.dispose();
  }
}

/** The document inside a session panel's webview (VS Code nests the page in two iframes). */
export function sessionFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

/** Starts the worker (F1 → Start Worker…) unless its row already says it runs, and waits until it does. */
export async function ensureRunning(page: Page, label: string): Promise<void> {
  await workerRow(page, label).first().waitFor({ state: 'visible', timeout: 30_000 });
  if (!/, running$/.test((await workerRow(page, label).first().getAttribute('aria-label')) ?? '')) {
    await startCommand(page, 'Shepherd: Start Worker…');
    await pickItem(page, label);
  }
  await waitForRowState(page, label, 'running');
}

/** A notification toast whose message matches `text`. */
export function notificationToast(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
}

/** Clicks the close button of the active editor tab: one click, as quick as a user hides a panel. */
export async function closeActiveTab(page: Page): Promise<void> {
  await page.locator('.editor-group-container.active .tab.active .tab-actions .action-label').first().click();
}

/** The usage page's document: the webview frame that has its totals line. */
export async function usageFrame(page: Page, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (
        (await frame
          .locator('#totals')
          .count()
          .catch(() => 0)) > 0
      ) {
        return frame;
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no usage page appeared within ${timeoutMs} ms`);
}
