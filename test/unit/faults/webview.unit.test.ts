import * as assert from 'node:assert/strict';
import { Browser, Page } from 'playwright-core';
import type { SessionView, TranscriptEntry } from '../../../src/shared/sessionModel';
import {
  ExtensionMessage,
  isOpenableLink,
  MAX_PROMPT_CHARS,
  parseWebviewMessage,
} from '../../../src/shared/sessionProtocol';
import { faultReport, useFaultScenario } from '../../helpers/faultHarness';
import {
  launchChromium,
  openWebviewPage,
  PageWindow,
  postToPage,
  serveSessionPage,
  WebviewPageServer,
  settled,
} from '../../helpers/webviewPageBrowser';

/** Hostile payloads set this global if any of them ever runs. */
const PWNED = '__pwned';
const EVIL = 'http://evil.test';

/** Runs in the page: everything in the transcript that could run, load or navigate. */
const INSPECT = `(() => {
  const root = document.getElementById('transcript');
  const dangerous = [];
  for (const el of document.querySelectorAll('#transcript *, #status *, #problem *')) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'frame', 'img', 'image', 'style', 'link', 'object', 'embed', 'form', 'svg', 'math', 'meta', 'base', 'video', 'audio', 'source', 'template', 'noscript'].includes(tag)) {
      dangerous.push('<' + tag + '>');
    }
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith('on') || ['href', 'src', 'srcdoc', 'style', 'action', 'formaction', 'xlink:href', 'background', 'poster', 'data'].includes(attr)) {
        dangerous.push(tag + '[' + attr + '=' + String(el.getAttribute(attr)).slice(0, 60) + ']');
      }
    }
  }
  return {
    pwned: window.${PWNED} === undefined ? null : String(window.${PWNED}),
    dangerous,
    links: [...root.querySelectorAll('a')].map((a) => a.getAttribute('data-href')),
    entries: root.querySelectorAll('.entry').length,
    violations: window.__violations,
    title: document.title,
    status: document.getElementById('status').textContent,
  };
})()`;

interface Inspection {
  readonly pwned: string | null;
  readonly dangerous: string[];
  readonly links: Array<string | null>;
  readonly entries: number;
  readonly violations: string[];
  readonly title: string;
  readonly status: string;
}

const HOSTILE_MARKDOWN: readonly string[] = [
  `<script>window.${PWNED}='script'</script>`,
  `<img src=x onerror="window.${PWNED}='img'"> and <img src="${EVIL}/pixel.png">`,
  `[click me](javascript:window.${PWNED}='js-link') <a href="javascript:window.${PWNED}='raw-js'">raw</a> [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [vb](vbscript:msgbox(1)) [JaVa](JAVASCRIPT:window.${PWNED}='upper')`,
  `[open a terminal](command:workbench.action.terminal.new) <command:workbench.action.terminal.new> [args](command:vscode.open?%5B%22file%3A%2F%2F%2Fetc%2Fpasswd%22%5D)`,
  `<iframe src="${EVIL}/frame"></iframe><iframe srcdoc="<script>parent.${PWNED}='srcdoc'</script>"></iframe>`,
  `<style>body{background:url(${EVIL}/bg.png)}</style><div style="background-image:url('${EVIL}/inline.png')">styled</div><link rel="stylesheet" href="${EVIL}/x.css">`,
  `![tracker](${EVIL}/track.png) ![js](javascript:window.${PWNED}='img-js') [![nested](${EVIL}/n.png)](${EVIL}/page)`,
  `<svg onload="window.${PWNED}='svg'"><circle r="5"/></svg><math><mtext><table><mglyph><style><img src=x onerror="window.${PWNED}='mxss'">`,
  `<form action="${EVIL}/"><button formaction="${EVIL}/b">go</button></form><meta http-equiv="refresh" content="0;url=${EVIL}/"><base href="${EVIL}/">`,
  `<object data="${EVIL}/x.swf"></object><embed src="${EVIL}/e"><video src="${EVIL}/v.mp4" onerror="window.${PWNED}='video'"></video><details open ontoggle="window.${PWNED}='toggle'">x</details>`,
  `visit ${EVIL}/autolink or www.evil.test, and [a normal link](https://code.visualstudio.com/api)`,
  '```html\n<script>window.' + PWNED + "='fence'</script>\n```\n`<img src=x onerror=alert(1)>`",
  `[ref]: javascript:window.${PWNED}='ref'\n\n[ref] and <a href=${EVIL}/x onclick="window.${PWNED}='click'">x</a>`,
];

/** Just under the markdown size limit, so they go through the parser; and one far over it. */
const MARKDOWN_BOMBS: readonly string[] = [
  '>'.repeat(190_000),
  '*a'.repeat(95_000),
  '['.repeat(95_000) + ']('.repeat(45_000),
  '`'.repeat(60_000) + 'x' + '``'.repeat(60_000),
  `${EVIL}/ `.repeat(11_000),
  '- '.repeat(95_000),
  '<'.repeat(190_000),
  '*'.repeat(1_048_576),
];

function view(overrides: Partial<SessionView> = {}): SessionView {
  return {
    id: 'hostile-session',
    title: `<img src=x onerror="window.${PWNED}='title'">`,
    agentId: 'hostile',
    agentLabel: `<script>window.${PWNED}='label'</script>`,
    isDemo: false,
    state: 'busy',
    model: `<b onmouseover="window.${PWNED}='model'">m</b>`,
    workerId: 'w',
    usage: { inputTokens: 1, outputTokens: 2, costUsd: 0.5 },
    lastActivity: 0,
    createdAt: 0,
    message: `<iframe src="${EVIL}/message">`,
    canResume: true,
    ...overrides,
  };
}

describe('fault injection: hostile agent output in the session webview (Chromium)', function () {
  this.timeout(120_000);
  const h = useFaultScenario();
  let browser: Browser;
  let server: WebviewPageServer;
  let origin: string;

  before(async function () {
    this.timeout(60_000);
    server = await serveSessionPage();
    origin = server.origin;
  });

  after(async () => {
    await server?.close();
  });

  beforeEach(async () => {
    browser = await launchChromium(h.marker);
    h.defer(() => browser.close());
  });

  const openPage = (): Promise<{ page: Page; requests: string[]; errors: string[] }> =>
    openWebviewPage(browser, origin);
  const post = (page: Page, message: ExtensionMessage): Promise<void> => postToPage(page, message);

  it('renders hostile agent output inert: nothing runs, nothing loads from elsewhere, no link navigates', async () => {
    const { page, requests, errors } = await openPage();
    let nextId = 1;
    const entry = (kind: 'assistant' | 'user' | 'error' | 'notice', text: string): TranscriptEntry => ({
      kind,
      id: nextId++,
      at: 0,
      text,
    });
    const entries: TranscriptEntry[] = [
      ...HOSTILE_MARKDOWN.map((text) => entry('assistant', text)),
      entry('user', `<script>window.${PWNED}='user'</script>`),
      entry('error', `<img src=x onerror="window.${PWNED}='error'">`),
      entry('notice', `<iframe src="${EVIL}/notice"></iframe>`),
      {
        kind: 'tool',
        id: nextId++,
        at: 0,
        toolUseId: 't1',
        name: `<img src=x onerror="window.${PWNED}='tool-name'">`,
        input: `{"command": "<script>window.${PWNED}='tool-input'</script>"}`,
        output: `<iframe src="${EVIL}/tool"></iframe>`,
        isError: true,
      },
      {
        kind: 'permission',
        id: nextId++,
        at: 0,
        requestId: `"><img src=x onerror="window.${PWNED}='request-id'">`,
        toolName: `<svg onload="window.${PWNED}='perm'">`,
        input: `<script>window.${PWNED}='perm-input'</script>`,
        description: `[click](javascript:window.${PWNED}='perm-desc')`,
        decision: undefined,
      },
    ];
    await post(page, { type: 'init', session: view(), entries });
    // Streamed: a script split across deltas, reassembled in the open entry.
    const streamed = nextId++;
    await post(page, {
      type: 'transcript',
      change: { type: 'append', entry: { kind: 'assistant', id: streamed, at: 0, text: '<scr' } },
    });
    for (const piece of [
      `ipt>window.${PWNED}='delta'</scr`,
      'ipt>',
      ` <img src=x one`,
      `rror="window.${PWNED}='delta-img'">`,
    ]) {
      await post(page, { type: 'transcript', change: { type: 'delta', entryId: streamed, text: piece } });
    }
    await post(page, {
      type: 'session',
      session: view({ title: `</title><script>window.${PWNED}='title2'</script>`, state: 'stalled' }),
    });
    await post(page, { type: 'problem', message: `<img src=x onerror="window.${PWNED}='problem'">` });
    await settled(page);

    const seen = await page.evaluate<Inspection>(INSPECT);
    assert.equal(seen.pwned, null, `a hostile payload ran: ${seen.pwned}`);
    assert.deepEqual(seen.dangerous, [], 'nothing that runs, loads or navigates is in the DOM');
    assert.equal(seen.entries, entries.length + 1);
    assert.ok(seen.title.includes('</title><script>'), 'the title is shown as text');
    assert.deepEqual(errors, [], 'the page threw');
    // Links carry their target only as data, are never javascript:/data:/vbscript:, and the extension
    // refuses to open anything but http(s) (a command: link included).
    const links = seen.links.filter((l): l is string => l !== null);
    assert.ok(links.length >= 4, `links: ${JSON.stringify(links)}`);
    for (const link of links) {
      assert.doesNotMatch(link, /^\s*(javascript|data|vbscript|command):/i, link);
    }
    // DOMPurify drops a data-href whose scheme it does not know: a command: link is left an inert anchor.
    const inert = seen.links.filter((l) => l === null).length;
    assert.ok(inert >= 1, 'the command: links were kept as anchors without a target');
    const pageUrl = page.url();
    const clickable = page.locator('#transcript a');
    for (let index = 0; index < seen.links.length; index++) {
      await clickable.nth(index).click();
    }
    assert.equal(page.url(), pageUrl, 'a click navigated the page');
    const posted = (await page.evaluate('window.__posted')) as unknown[];
    const opened = posted.map((m) => parseWebviewMessage(m)).filter((p) => p.ok && p.message.type === 'openLink');
    assert.equal(opened.length, links.length, 'every click went to the extension, nowhere else');
    for (const parsed of opened) {
      if (parsed.ok && parsed.message.type === 'openLink') {
        const allowed = isOpenableLink(parsed.message.href);
        assert.equal(allowed, /^https?:/i.test(parsed.message.href), `${parsed.message.href} allowed: ${allowed}`);
      }
    }
    // The permission buttons still post a well-formed answer with the (hostile) request id as data.
    await page.locator('.entry.permission button').first().click();
    const answer = ((await page.evaluate('window.__posted')) as unknown[])
      .map((m) => parseWebviewMessage(m))
      .find((p) => p.ok && p.message.type === 'permission');
    assert.ok(answer?.ok, 'the permission answer parses');

    const offsite = requests.filter((url) => !url.startsWith(`${origin}/`));
    assert.deepEqual(offsite, [], 'a request left for another host');
    assert.deepEqual(seen.violations, [], 'the CSP had to block something the sanitizer let through');
    h.badInputs(HOSTILE_MARKDOWN.length + 12);
    faultReport.notes.push(
      `webview: ${requests.length} requests, all to the test server; ${links.length} links forwarded to the extension (http(s) only opened), ${inert} left inert`,
    );
  });

  it('renders hostile tool calls, modes and commands inert, and its controls post only valid messages', async () => {
    const { page, requests, errors } = await openPage();
    const hostile = (where: string): string => `<img src=x onerror="window.${PWNED}='${where}'">`;
    const tool: TranscriptEntry = {
      kind: 'tool',
      id: 5,
      at: 0,
      toolUseId: 'edit-1',
      name: hostile('tool-title'),
      input: '{}',
      output: undefined,
      isError: false,
      toolKind: hostile('tool-kind'),
      status: 'completed',
      locations: [{ path: `/w/${hostile('location')}.ts`, line: 3 }],
      diffs: [
        { path: `/w/${hostile('diff-path')}`, oldText: `keep\n${hostile('old')}\nend`, newText: 'keep\nnew\nend' },
      ],
    };
    const modes = {
      currentId: 'default',
      available: [
        { id: 'default', name: hostile('mode-name'), description: hostile('mode-description') },
        { id: 'yolo', name: 'YOLO', description: undefined },
      ],
    };
    const commands = [
      { name: 'memory', description: hostile('command'), hint: hostile('hint') },
      { name: 'mcp', description: 'MCP servers', hint: undefined },
      { name: 'about', description: 'About', hint: undefined },
    ];
    await post(page, { type: 'init', session: view({ modes, commands }), entries: [tool] });
    await settled(page);
    const seen = await page.evaluate<Inspection>(INSPECT);
    assert.equal(seen.pwned, null, `a hostile payload ran: ${seen.pwned}`);
    assert.deepEqual(seen.dangerous, [], 'nothing that runs, loads or navigates is in the DOM');
    assert.equal(await page.locator('.diff-body .del').count(), 1, 'the old line is shown removed');
    assert.equal(await page.locator('.diff-body .add').count(), 1, 'the new line is shown added');
    const posted = async (): Promise<unknown[]> => (await page.evaluate('window.__posted')) as unknown[];
    const parsedOf = async (type: string): Promise<unknown[]> =>
      (await posted())
        .map((m) => parseWebviewMessage(m))
        .flatMap((p) => (p.ok && p.message.type === type ? [p.message] : []));

    await page.locator('.locations button').click();
    assert.deepEqual(await parsedOf('openLocation'), [
      { type: 'openLocation', path: tool.locations?.[0].path, line: 3 },
    ]);
    await page.locator('.open-diff').click();
    assert.deepEqual(await parsedOf('openDiff'), [{ type: 'openDiff', entryId: 5, index: 0 }]);

    await page.selectOption('#mode', 'yolo');
    assert.deepEqual(await parsedOf('setMode'), [{ type: 'setMode', modeId: 'yolo' }]);
    assert.equal(await page.inputValue('#mode'), 'default', 'the picker waits for the agent to switch');
    await post(page, { type: 'session', session: view({ modes: { ...modes, currentId: 'yolo' }, commands }) });
    await page.waitForFunction('document.getElementById("mode").value === "yolo"');

    await page.locator('#input').fill('/');
    await page.locator('#completions').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#completions li').count(), 3);
    await page.locator('#input').fill('/m');
    assert.equal(await page.locator('#completions li').count(), 2, '/m matches memory and mcp');
    await page.locator('#input').press('ArrowDown');
    await page.locator('#input').press('Enter');
    assert.equal(await page.inputValue('#input'), '/mcp ', 'Enter took the selected command');
    assert.equal(await page.locator('#completions').isHidden(), true);
    assert.deepEqual(await parsedOf('send'), [], 'taking a completion sends nothing');
    await page.locator('#input').press('Enter');
    assert.deepEqual(await parsedOf('send'), [{ type: 'send', text: '/mcp ' }]);

    const after = await page.evaluate<Inspection>(INSPECT);
    assert.equal(after.pwned, null);
    assert.deepEqual(errors, [], 'the page threw');
    assert.deepEqual(
      requests.filter((url) => !url.startsWith(`${origin}/`)),
      [],
    );
    h.badInputs(9);
  });

  it('stays responsive under markdown bombs (up to 1 MB) and a flood of 5,000 deltas', async () => {
    const { page, requests, errors } = await openPage();
    await post(page, { type: 'init', session: view({ title: 'bombs' }), entries: [] });
    const started = Date.now();
    let id = 1;
    for (const bomb of MARKDOWN_BOMBS) {
      await post(page, {
        type: 'transcript',
        change: { type: 'append', entry: { kind: 'assistant', id: id++, at: 0, text: bomb } },
      });
    }
    const flood = id++;
    await post(page, {
      type: 'transcript',
      change: { type: 'append', entry: { kind: 'assistant', id: flood, at: 0, text: '' } },
    });
    await page.evaluate(
      ({ entryId, count }) => {
        for (let i = 0; i < count; i++) {
          (globalThis as unknown as PageWindow).postMessage(
            { type: 'transcript', change: { type: 'delta', entryId, text: `token ${i} <b>x</b> ` } },
            '*',
          );
        }
      },
      { entryId: flood, count: 5_000 },
    );
    await settled(page);
    const renderMs = Date.now() - started;
    const pingStarted = Date.now();
    await page.evaluate('1 + 1');
    const pingMs = Date.now() - pingStarted;
    await page.locator('#input').fill('still typing');
    await page.locator('#input').press('Enter');
    const posted = (await page.evaluate('window.__posted')) as unknown[];
    assert.ok(
      posted.some((m) => parseWebviewMessage(m).ok && (m as { text?: string }).text === 'still typing'),
      'the composer still sends',
    );
    const seen = await page.evaluate<Inspection>(INSPECT);
    assert.equal(seen.pwned, null);
    assert.deepEqual(seen.dangerous, []);
    assert.equal(seen.entries, MARKDOWN_BOMBS.length + 1);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      requests.filter((url) => !url.startsWith(`${origin}/`)),
      [],
    );
    assert.ok(renderMs < 20_000, `rendering the bombs took ${renderMs} ms`);
    assert.ok(pingMs < 1_000, `the page took ${pingMs} ms to answer afterwards`);
    faultReport.notes.push(
      `webview: ${MARKDOWN_BOMBS.length} markdown bombs and 5,000 deltas rendered in ${renderMs} ms; page answered in ${pingMs} ms afterwards`,
    );
    h.badInputs(MARKDOWN_BOMBS.length + 1);
  });
});

describe('fault injection: forged messages from the webview', () => {
  it('refuses unknown types and wrong shapes, each with a reason', () => {
    const forged: unknown[] = [
      undefined,
      null,
      42,
      'ready',
      [],
      [{ type: 'ready' }],
      {},
      { type: 42 },
      { type: ['send'] },
      { type: { toString: () => 'send' } },
      { type: '' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'openFile', path: '/etc/passwd' },
      { type: '__proto__' },
      { type: 'constructor' },
      { type: 'toString' },
      { type: 'SEND', text: 'x' },
      JSON.parse('{"__proto__":{"type":"send"},"text":"x"}') as unknown,
      { type: 'send' },
      { type: 'send', text: 42 },
      { type: 'send', text: '' },
      { type: 'send', text: ' \n\t ' },
      { type: 'send', text: 'x'.repeat(MAX_PROMPT_CHARS + 1) },
      { type: 'send', text: ['x'] },
      { type: 'permission' },
      { type: 'permission', requestId: 'r1' },
      { type: 'permission', requestId: 'r1', decision: 'always' },
      { type: 'permission', requestId: 'r1', decision: 'ALLOW' },
      { type: 'permission', requestId: 7, decision: 'allow' },
      { type: 'permission', requestId: 'r'.repeat(201), decision: 'allow' },
      { type: 'permission', requestId: '', decision: 'allow' },
      { type: 'openLink' },
      { type: 'openLink', href: 42 },
      { type: 'openLink', href: '' },
      { type: 'openLink', href: `https://x.test/${'a'.repeat(2_100)}` },
      { type: 'setMode', modeId: { id: 'yolo' } },
      { type: 'openLocation', path: '/etc/passwd', line: -1 },
      { type: 'openDiff', entryId: '1', index: 0 },
    ];
    for (const value of forged) {
      const parsed = parseWebviewMessage(value);
      assert.equal(parsed.ok, false, `accepted: ${String(JSON.stringify(value)).slice(0, 80)}`);
      assert.ok(!parsed.ok && parsed.reason.length > 0 && parsed.reason.length <= 200, 'a short reason');
    }
    assert.equal(
      (parseWebviewMessage({ type: 'runCommand' }) as { reason: string }).reason,
      'unknown message type "runCommand"',
    );
    // Well-formed, so parsed, but never opened: the extension opens http(s) only.
    for (const href of [
      'command:workbench.action.terminal.new',
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'file:///etc/passwd',
      'vscode://shepherd/x',
      'data:text/html,x',
      'ftp://x.test/',
    ]) {
      const parsed = parseWebviewMessage({ type: 'openLink', href });
      assert.ok(parsed.ok);
      assert.equal(isOpenableLink(href), false, href);
    }
    faultReport.badInputs += forged.length + 7;
  });
});
