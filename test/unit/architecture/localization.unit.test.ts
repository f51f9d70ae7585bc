import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { AllowedLiteral, findUnlocalized, l10nMessages } from './l10nScan';
import { BUNDLE_FILE, expectedBundle, listTs, LOCALIZED_SOURCES, ROOT } from './l10nSources';

/** Literals that read as prose but are not shown to the user as text to translate; each says why. */
const ALLOWED: readonly AllowedLiteral[] = [
  { file: 'src/ui/workers/adhocRun.ts', text: 'npm run dev', reason: 'an example command line, not prose' },
  { file: 'src/ui/workers/stopAll.ts', text: 'Shepherd', reason: "the product's name as a progress title" },
  {
    file: 'src/ui/common/webviewL10n.ts',
    text: '<body>\n<script type="application/json" id=" "> </script>',
    reason: 'HTML markup around the bundle',
  },
  {
    file: 'src/webview/session/markdown.ts',
    text: '<a data-href=" " title=" ">',
    reason: 'HTML markup for a link; its title is the link itself',
  },
];

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

  it('sends every user-facing string in the UI through l10n.t', async () => {
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
