import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const CORE_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'src', 'core');
const IMPORTS_VSCODE = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

async function listTs(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? listTs(path.join(dir, e.name))
        : Promise.resolve(e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []),
    ),
  );
  return nested.flat();
}

describe('the core boundary', () => {
  it('keeps every file under src/core free of the vscode module', async () => {
    const files = await listTs(CORE_DIR);
    assert.ok(files.length > 10, `found only ${files.length} core files`);
    const offenders: string[] = [];
    for (const file of files) {
      if (IMPORTS_VSCODE.test(await fs.readFile(file, 'utf8'))) {
        offenders.push(path.relative(CORE_DIR, file));
      }
    }
    assert.deepEqual(offenders, []);
  });
});
