import * as l10n from '@vscode/l10n';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { parseCommandLine } from '../../../src/core/definitions/commandLine';
import { describeFleetView } from '../../../src/core/fleet/fleetView';
import { defaultAgents } from '../../../src/core/sessions/agentConfig';
import { checkTitle } from '../../../src/core/sessions/sessionTitle';
import { describeExit } from '../../../src/core/workers/exitWording';
import { shuttingDownMessage } from '../../../src/core/workers/groupAdmission';
import { UnknownWorkerError } from '../../../src/core/workers/unknownWorkerError';
import { usage } from '../../../src/peer/peerArgs';
import { sessionPageHtml } from '../../../src/shared/sessionPage';
import { listTs, SRC_DIR } from './sourceFiles';
import { FieldReader } from '../../../src/shared/untrusted';

/** The folders that localize with @vscode/l10n, which the extension configures only at activation. */
const PLAIN_NODE_FOLDERS = ['core', 'shared', 'peer', 'sentinel'];

/** Whether `node` runs when its module loads: no function around it, and no instance field it initializes. */
function runsAtLoad(node: ts.Node): boolean {
  for (let up = node.parent; up !== undefined; up = up.parent) {
    if (ts.isFunctionLike(up)) {
      return false;
    }
    if (ts.isPropertyDeclaration(up) && !up.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) {
      return false;
    }
  }
  return true;
}

/** Lines (1-based) of the `l10n.t(…)` calls in `text` that run at load, before any bundle can be configured. */
function loadTimeLookups(fileName: string, text: string): number[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(source) === 'l10n.t' && runsAtLoad(node)) {
      lines.push(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

describe('localization of core, shared and peer text', () => {
  describe('lookups happen when a message is made, not when its module loads', () => {
    it('finds a lookup at load in a constant, a static field and an object literal, and none in functions', () => {
      const text = [
        "const A = l10n.t('a');",
        "class B { static s = l10n.t('b'); field = l10n.t('fine'); m(): string { return l10n.t('fine'); } }",
        "const C = { d: l10n.t('c') };",
        "function e(): string { return l10n.t('fine'); }",
        "const f = (): string => l10n.t('fine');",
      ].join('\n');
      assert.deepEqual(loadTimeLookups('seeded.ts', text), [1, 2, 3]);
    });

    it('has none in src/core, src/shared, src/peer or src/sentinel', async () => {
      const files = (await Promise.all(PLAIN_NODE_FOLDERS.map((folder) => listTs(path.join(SRC_DIR, folder))))).flat();
      assert.ok(files.length > 100, `found only ${files.length} source files`);
      const found: string[] = [];
      for (const file of files) {
        for (const line of loadTimeLookups(file, await fs.readFile(file, 'utf8'))) {
          found.push(`${path.relative(SRC_DIR, file)}:${line}`);
        }
      }
      assert.deepEqual(found, [], 'a lookup at load keeps the English text whatever bundle is configured later');
    });
  });

  describe('messages follow the configured bundle', () => {
    afterEach(() => l10n.config({ contents: {} }));

    it('translates errors, notices and validation messages made after the bundle is configured', () => {
      l10n.config({
        contents: {
          'There is no worker "{0}".': 'Kein Worker „{0}“.',
          'Shepherd is shutting down: the worker was not started': 'Shepherd fährt herunter',
          'the command line is empty': 'die Befehlszeile ist leer',
          'A session title cannot be empty.': 'Ein Titel darf nicht leer sein.',
          'must be a number': 'muss eine Zahl sein',
          'No other machines are in the fleet.': 'Keine anderen Rechner.',
          'exit code {0}': 'Exit-Code {0}',
          'Demo agent (canned replies)': 'Demo-Agent',
          'Usage: {0}': 'Aufruf: {0}',
        },
      });
      assert.equal(new UnknownWorkerError('api').message, 'Kein Worker „api“.');
      assert.equal(shuttingDownMessage(), 'Shepherd fährt herunter');
      const parsed = parseCommandLine('   ');
      assert.deepEqual(parsed.ok ? [] : parsed.errors, ['die Befehlszeile ist leer']);
      assert.throws(() => checkTitle(' '), { message: 'Ein Titel darf nicht leer sein.' });
      const reader = new FieldReader({ port: 'eighty' });
      reader.number('port');
      assert.deepEqual(reader.errors, ['"port" muss eine Zahl sein']);
      assert.equal(describeFleetView({ kind: 'alone' }), 'Keine anderen Rechner.');
      assert.equal(describeExit({ code: 2, signal: null }), 'Exit-Code 2');
      const demo = defaultAgents({ nodePath: 'node', script: 'demo.js' }).find((agent) => agent.id === 'demo');
      assert.equal(demo?.label, 'Demo-Agent');
      assert.match(usage(), /^Aufruf: node shepherd-peer\.js --redis/);
    });

    it('escapes translated page text, so a translation cannot add markup to the session page', () => {
      l10n.config({ contents: { Send: '<img src=x onerror=alert(1)> "Senden"' } });
      const html = sessionPageHtml({
        cspSource: 'vscode-resource:',
        scriptNonce: 'n0nce',
        title: 'T',
        asset: () => 'a',
        language: 'de',
      });
      assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62; &#34;Senden&#34;'), 'the translation is shown');
      assert.ok(!html.includes('<img'), 'and never parsed as markup');
    });

    it('names the display language in <html lang>, and English when the setting is not a language tag', () => {
      const page = (language: string): string =>
        sessionPageHtml({
          cspSource: 'vscode-resource:',
          scriptNonce: 'n0nce',
          title: 'T',
          asset: () => 'a',
          language,
        });
      assert.match(page('de'), /<html lang="de">/);
      assert.match(page('zh-cn'), /<html lang="zh-cn">/);
      const hostile = page('de"><script>alert(1)</script>');
      assert.match(hostile, /<html lang="en">/);
      assert.ok(!hostile.includes('alert(1)'));
    });

    it('falls back to the English text when the bundle has no entry', () => {
      l10n.config({ contents: { 'something else': 'etwas anderes' } });
      assert.equal(new UnknownWorkerError('api').message, 'There is no worker "api".');
    });
  });
});
