import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { listTs, SRC_DIR } from './sourceFiles';

const MAX_LINE_LENGTH = 120;
const RELATIVE_IMPORT = /(?:from\s+|import\s*\(\s*|require\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
const IMPORTS_VSCODE = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

/** The folder under src a relative import lands in: core, ui, shared, webview, … */
function layerOf(file: string): string {
  return path.relative(SRC_DIR, file).split(path.sep)[0] ?? '';
}

describe('the source layout', () => {
  it('has no line in src longer than 120 characters', async () => {
    const files = await listTs(SRC_DIR);
    assert.ok(files.length > 50, `found only ${files.length} source files`);
    const long: string[] = [];
    for (const file of files) {
      (await fs.readFile(file, 'utf8')).split('\n').forEach((line, index) => {
        if (line.length > MAX_LINE_LENGTH) {
          long.push(`${path.relative(SRC_DIR, file)}:${index + 1} (${line.length})`);
        }
      });
    }
    assert.deepEqual(long, []);
  });

  it('keeps src/shared at the bottom: it imports nothing outside itself', async () => {
    const outward: string[] = [];
    for (const file of await listTs(path.join(SRC_DIR, 'shared'))) {
      for (const match of (await fs.readFile(file, 'utf8')).matchAll(RELATIVE_IMPORT)) {
        const target = path.resolve(path.dirname(file), match[1] ?? '');
        if (layerOf(target) !== 'shared') {
          outward.push(`${path.relative(SRC_DIR, file)} imports ${match[1]}`);
        }
      }
    }
    assert.deepEqual(outward, []);
  });

  it('keeps every file under src/core free of the vscode module', async () => {
    const files = await listTs(path.join(SRC_DIR, 'core'));
    assert.ok(files.length > 10, `found only ${files.length} core files`);
    const offenders: string[] = [];
    for (const file of files) {
      if (IMPORTS_VSCODE.test(await fs.readFile(file, 'utf8'))) {
        offenders.push(path.relative(SRC_DIR, file));
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('keeps the core free of the UI and the extension', async () => {
    const upward: string[] = [];
    for (const file of await listTs(path.join(SRC_DIR, 'core'))) {
      for (const match of (await fs.readFile(file, 'utf8')).matchAll(RELATIVE_IMPORT)) {
        const layer = layerOf(path.resolve(path.dirname(file), match[1] ?? ''));
        if (layer !== 'core' && layer !== 'shared') {
          upward.push(`${path.relative(SRC_DIR, file)} imports ${match[1]}`);
        }
      }
    }
    assert.deepEqual(upward, []);
  });
});
