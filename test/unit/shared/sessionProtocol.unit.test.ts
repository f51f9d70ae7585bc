import * as assert from 'node:assert/strict';
import { isOpenableLink, MAX_PROMPT_CHARS, parseWebviewMessage } from '../../../src/shared/sessionProtocol';

describe('messages from the session webview', () => {
  it('accepts each well-formed message', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi', extra: 1 }), {
      ok: true,
      message: { type: 'send', text: 'hi' },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'permission', requestId: 'r1', decision: 'allow-session' }), {
      ok: true,
      message: { type: 'permission', requestId: 'r1', decision: 'allow-session' },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'worktree', action: 'review' }), {
      ok: true,
      message: { type: 'worktree', action: 'review' },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'rewind', entryId: 7 }), {
      ok: true,
      message: { type: 'rewind', entryId: 7 },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'setMode', modeId: 'autoEdit' }), {
      ok: true,
      message: { type: 'setMode', modeId: 'autoEdit' },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'openLocation', path: '/w/a.ts', line: 12 }), {
      ok: true,
      message: { type: 'openLocation', path: '/w/a.ts', line: 12 },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'openLocation', path: 'src/a.ts' }), {
      ok: true,
      message: { type: 'openLocation', path: 'src/a.ts', line: undefined },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'openDiff', entryId: 7, index: 0, oldText: 'ignored' }), {
      ok: true,
      message: { type: 'openDiff', entryId: 7, index: 0 },
    });
  });

  it('refuses mode, location and diff messages with bad fields, naming the field', () => {
    const refused: Array<[unknown, RegExp]> = [
      [{ type: 'setMode' }, /"setMode" needs a "modeId"/],
      [{ type: 'setMode', modeId: 'm'.repeat(201) }, /"setMode" needs a "modeId"/],
      [{ type: 'openLocation', line: 1 }, /"openLocation" needs a "path"/],
      [{ type: 'openLocation', path: 'a\0b' }, /"openLocation" needs a "path"/],
      [{ type: 'openLocation', path: 'a', line: 0 }, /a "line" that is a whole number >= 1/],
      [{ type: 'openLocation', path: 'a', line: 1.5 }, /a "line" that is a whole number >= 1/],
      [{ type: 'openLocation', path: 'a', line: '3' }, /a "line" that is a whole number >= 1/],
      [{ type: 'openLocation', path: 'x'.repeat(4_097) }, /"openLocation" needs a "path"/],
      [{ type: 'openDiff', entryId: 1 }, /"openDiff" needs an "entryId" and an "index"/],
      [{ type: 'openDiff', entryId: -1, index: 0 }, /"openDiff" needs an "entryId" and an "index"/],
      [{ type: 'openDiff', entryId: 1, index: Number.NaN }, /"openDiff" needs an "entryId" and an "index"/],
      [{ type: 'openDiff', entryId: 2 ** 40, index: 0 }, /"openDiff" needs an "entryId" and an "index"/],
    ];
    for (const [value, reason] of refused) {
      const parsed = parseWebviewMessage(value);
      assert.ok(!parsed.ok, `accepted ${JSON.stringify(value).slice(0, 80)}`);
      assert.match(parsed.reason, reason);
    }
  });

  it('refuses forged or malformed messages with a reason naming the problem', () => {
    const reasons = [
      'nonsense',
      null,
      [],
      { type: 'runCommand', command: 'rm -rf /' },
      { type: 'send' },
      { type: 'send', text: '   ' },
      { type: 'send', text: 'x'.repeat(MAX_PROMPT_CHARS + 1) },
      { type: 'permission', requestId: 'r1', decision: 'always' },
      { type: 'openLink', href: 42 },
      { type: 'worktree', action: 'merge --force' },
      { type: 'rewind', entryId: '3' },
      { type: 'rewind', entryId: -1 },
      { type: 'rewind', entryId: 1.5 },
    ].map((value) => {
      const parsed = parseWebviewMessage(value);
      assert.equal(parsed.ok, false, JSON.stringify(value).slice(0, 80));
      return parsed.ok ? '' : parsed.reason;
    });
    assert.equal(reasons[3], 'unknown message type "runCommand"');
    assert.match(reasons[4], /"send" needs a non-empty "text"/);
    assert.match(reasons[7], /"decision" of allow, deny, allow-session/);
    assert.equal(reasons[9], '"worktree" needs an "action" of review, accept, discard');
    assert.match(reasons[10], /"rewind" needs an "entryId" that is a whole number, not /);
    for (const reason of reasons.slice(10)) {
      assert.match(reason, /"rewind" needs an "entryId" that is a whole number/);
    }
  });

  it('lets only http(s) links out', () => {
    assert.ok(isOpenableLink('https://code.visualstudio.com/api'));
    assert.ok(isOpenableLink('http://127.0.0.1:3000/'));
    for (const href of [
      'javascript:alert(1)',
      'command:workbench.action.terminal.new',
      'file:///etc/passwd',
      'vscode://x',
      'data:text/html,x',
      'not a url',
    ]) {
      assert.equal(isOpenableLink(href), false, href);
    }
  });

  it('describes a message type of any kind without throwing (a BigInt, a cycle, deep nesting)', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) {
      deep = [deep];
    }
    // Structured clone carries BigInts and cycles; JSON.stringify of the type threw on all three.
    for (const [type, shown] of [
      [10n, 'a value of type bigint'],
      [cycle, 'a value of type object'],
      [deep, 'an array'],
    ] as const) {
      assert.deepEqual(parseWebviewMessage({ type }), { ok: false, reason: `unknown message type ${shown}` });
    }
  });
});
