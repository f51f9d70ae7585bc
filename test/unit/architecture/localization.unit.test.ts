import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { AllowedLiteral, findUnlocalized, l10nMessages } from './l10nScan';
import { BUNDLE_FILE, expectedBundle, LOCALIZED_SOURCES } from './l10nSources';
import { listTs, ROOT } from './sourceFiles';

/** Literals that read as prose but are not shown to the user as text to translate; each says why. */
const ALLOWED: readonly AllowedLiteral[] = [
  { file: 'src/ui/workers/adhocRun.ts', text: 'npm run dev', reason: 'an example command line, not prose' },
  { file: 'src/ui/workers/stopAll.ts', text: 'Shepherd', reason: "the product's name as a progress title" },
  ...allow('src/core/definitions/workerDefinition.ts', 'default health patterns: regexes matched against output', [
    '/rate limit/i',
    '/out of memory/i',
  ]),
  ...allow('src/core/fleet/commandChannel.ts', 'Redis command labels for the log', ['XGROUP CREATE', 'XADD reply']),
  ...allow('src/core/fleet/fleetMember.ts', 'Redis command labels for the log', ['DEL heartbeat', 'SET heartbeat']),
  ...allow('src/core/fleet/redisLink.ts', 'a task label for the log', ['fleet: Redis connection']),
  ...allow('src/core/sessions/warmPool.ts', 'a task label for the log', ['fill warm pool for  ']),
  ...allow('src/core/workers/supervisor.ts', 'a timeout label that only reaches the log', ['stopping all workers']),
  ...allow('src/core/sessions/acp/acpHandshake.ts', "the client's name sent to the agent", ['Shepherd']),
  ...allow('src/core/sessions/agentConfig.ts', 'product names and install command lines', [
    'Claude Code',
    'npm install -g @anthropic-ai/claude-code',
    'npm install -g @mariozechner/pi-coding-agent',
    'npm install -g  ',
    'pi',
    'Gemini CLI',
    'Codex (codex-acp)',
    'Claude (claude-agent-acp)',
  ]),
  ...allow('src/core/worktrees/checkpoints.ts', "a checkpoint commit's message, read back by Shepherd", [
    'shepherd checkpoint    ',
  ]),
  ...allow('src/core/worktrees/gitParsers.ts', 'the git command named in a parse error', ['worktree list']),
  ...allow('src/core/worktrees/repository.ts', "git's own output, matched", ["bad revision ' ^{commit}'"]),
  ...allow('src/peer/peerArgs.ts', 'the command synopsis: options and values, not prose', [
    'node shepherd-peer.js --redis redis://host:6379\n       [--workers workers.json] [--procfile Procfile] [--name gpu-box] [--namespace shepherd]\n       [--heartbeat-seconds 5] [--allow-remote-control] [--share-command-lines]\n       [--status-file path] [--secrets-file path]',
  ]),
  ...allow('src/sentinel/main.ts', "the sentinel's own log (a detached process, no editor to show it)", [
    'stopping the groups of host   failed:  ',
  ]),
  ...allow('src/core/recovery/sentinelLog.ts', "the sentinel's log lines, relayed to the log", [
    'the sentinel reported:  ',
    '  line   is not a sentinel log entry',
  ]),
  ...allow('src/core/recovery/sentinelWatch.ts', "the sentinel's own log", ['ignored a message from the host:  ']),
  ...allow('src/core/recovery/sentinelProtocol.ts', 'a refused host ↔ sentinel message: logged by the sentinel', [
    '"group" is not an object',
    '"group.pgid" is not a usable process group id',
    '"group.startToken" is not a string',
    '"group.workerId" or "group.label" is not a string',
    '"group.graceMs" is not a duration',
    'the message is not an object',
    '"ended" does not name a process group',
    'unknown message type  ',
  ]),
  ...allow('src/core/recovery/spawnJournal.ts', 'a broken spawn journal line: logged, the line skipped', [
    'not a JSON object',
    '"pgid" is not a usable process id',
    '"startToken" is not a string',
    'unknown entry type  ',
    '"workerId" or "label" is not a string',
    '"graceMs" or "at" is not a number',
    'line   is not valid JSON',
  ]),
  ...allow('src/shared/sessionProtocol.ts', 'a refused webview message: logged, never shown in the page', [
    'the message is not an object',
    '"send" needs a non-empty "text" of at most   characters',
    '"permission" needs a "requestId" and a "decision" of  ',
    '"openLink" needs an "href"',
    '"worktree" needs an "action" of  ',
    '"rewind" needs an "entryId" that is a whole number, not  ',
    '"setMode" needs a "modeId" of 1 to   characters',
    '"openLocation" needs a "path" and, if any, a "line" that is a whole number >= 1',
    '"openDiff" needs an "entryId" and an "index" that are whole numbers >= 0',
    'unknown message type  ',
  ]),
  ...allow('src/shared/usageProtocol.ts', 'a refused webview message: logged, never shown in the page', [
    'the message is  , not an object',
    '"selectWorker" needs a "workerId" of 1 to   characters, not  ',
    'unknown message type  ',
  ]),
];

/** Several allowed literals of one file, for one reason. */
function allow(file: string, reason: string, texts: readonly string[]): AllowedLiteral[] {
  return texts.map((text) => ({ file, text, reason }));
}

async function scannedFiles(): Promise<string[]> {
  return (await Promise.all(LOCALIZED_SOURCES.map(listTs))).flat();
}

describe('localization', () => {
  describe('the scanner', () => {
    it('flags prose in a thrown error, a notice and a quick pick label', () => {
      const source = [
        "throw new Error('The worker is gone');",
        "notice('Stopped the worker ' + name);",
        "const item = { label: 'Restart', id: 'restart' };",
        'const done = `Started ${count} workers`;',
      ].join('\n');
      assert.deepEqual(
        findUnlocalized('seeded.ts', source).map((hit) => hit.line),
        [1, 2, 3, 4],
      );
    });

    it('leaves l10n.t messages, log lines, imports, keys, types and CSS classes alone', () => {
      const source = [
        "import { a } from 'some module';",
        "throw new Error(vscode.l10n.t('The worker {0} is gone', id));",
        "notice(l10n.t('Stopped all workers'));",
        "this.logger.warn('could not read the file');",
        "const map = { 'two words': 1 };",
        "type Kind = 'two words';",
        "el.className = 'codicon codicon-play';",
        "const id = 'shepherd.workers';",
        "void tasks.run('restore sessions', restore);",
        "const node = el('div', 'text plain', text);",
      ].join('\n');
      assert.deepEqual(findUnlocalized('clean.ts', source), []);
    });

    it('reads the text and shown attributes of HTML, not its markup', () => {
      const source = [
        'const a = `<div role="status" aria-live="polite">${h(l10n.t(\'Connecting…\'))}</div>`;',
        'const b = `<button class="secondary">Stop all</button>`;',
        'const c = `<select title="Pick a mode" hidden></select>`;',
        'const d = `<p>Done</p>`;',
      ].join('\n');
      assert.deepEqual(
        findUnlocalized('page.ts', source).map((hit) => hit.line),
        [2, 3, 4],
      );
    });

    it('still reads the values given to l10n.t', () => {
      const hits = findUnlocalized('a.ts', "l10n.t('Cannot run {0}: {1}', id, 'the folder is gone')");
      assert.deepEqual(hits, [{ line: 1, text: 'the folder is gone' }]);
    });

    it('collects the messages given to l10n.t and refuses a computed one', () => {
      const source = "l10n.t('Stop {0}?', n); vscode.l10n.t(`Go`); l10n.t('One, ' + 'two')";
      assert.deepEqual(l10nMessages('a.ts', source), ['Stop {0}?', 'Go', 'One, two']);
      assert.throws(() => l10nMessages('b.ts', 'l10n.t(`Stop ${n}`)'), /b\.ts:1: l10n\.t needs a string literal/);
    });
  });

  it('sends every user-facing string of the extension, core, peer and sentinel through l10n.t', async () => {
    const files = await scannedFiles();
    assert.ok(files.length > 50, `found only ${files.length} files to scan`);
    const offenders: string[] = [];
    const unused = new Set(ALLOWED);
    for (const file of files) {
      for (const hit of findUnlocalized(file, await fs.readFile(`${ROOT}/${file}`, 'utf8'))) {
        const allowed = ALLOWED.find((entry) => entry.file === file && entry.text === hit.text);
        if (allowed) {
          unused.delete(allowed);
        } else {
          offenders.push(`${file}:${hit.line} ${JSON.stringify(hit.text)}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
    assert.deepEqual([...unused], [], 'allowlist entries that no longer match anything: remove them');
  });

  it('has l10n/bundle.l10n.json up to date with the l10n.t calls (npm run l10n rewrites it)', async () => {
    const expected = await expectedBundle();
    assert.ok(Object.keys(JSON.parse(expected) as object).length > 300, 'too few messages found');
    assert.equal(await fs.readFile(BUNDLE_FILE, 'utf8'), expected);
  });
});
