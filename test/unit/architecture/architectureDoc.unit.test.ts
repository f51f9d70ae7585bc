import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Where the folder column of each section's table is rooted. */
const SECTION_ROOTS: ReadonlyArray<{ readonly heading: string; readonly root: string }> = [
  { heading: '## The core', root: 'src/core' },
  { heading: '## The editor side', root: 'src/ui' },
  { heading: '## The floor', root: 'src' },
];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(ROOT, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const child = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        return sourceFiles(child);
      }
      return Promise.resolve(entry.name.endsWith('.ts') ? [child] : []);
    }),
  );
  return nested.flat();
}

/** The folder a row names, as a path from the repository root ("core/" and "ui/" name the layer itself). */
function folderPath(root: string, folder: string): string {
  if (folder === 'src/') {
    return 'src';
  }
  if ((root === 'src/core' && folder === 'core/') || (root === 'src/ui' && folder === 'ui/')) {
    return root;
  }
  return `${root}/${folder.replace(/\/$/, '')}`;
}

/** Every module a table row of ARCHITECTURE.md names, as a path from the repository root. */
function documentedModules(doc: string): Set<string> {
  const documented = new Set<string>();
  for (const { heading, root } of SECTION_ROOTS) {
    const start = doc.indexOf(heading);
    assert.ok(start >= 0, `ARCHITECTURE.md has a section "${heading}"`);
    const end = doc.indexOf('\n## ', start + heading.length);
    for (const line of doc.slice(start, end < 0 ? undefined : end).split('\n')) {
      const cells = line.split('|').map((cell) => cell.trim());
      const folder = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
      if (!folder) {
        continue;
      }
      for (const match of (cells[2] ?? '').matchAll(/`([\w.-]+\.ts)`/g)) {
        documented.add(`${folderPath(root, folder)}/${match[1] ?? ''}`);
      }
    }
  }
  return documented;
}

describe('ARCHITECTURE.md', () => {
  it('names every module under src in its folder, and no module that is gone', async () => {
    const doc = await fs.readFile(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
    const documented = documentedModules(doc);
    const files = await sourceFiles('src');
    assert.ok(files.length > 100, `found only ${files.length} source files`);
    assert.deepEqual(
      files.filter((file) => !documented.has(file)),
      [],
      'modules missing from ARCHITECTURE.md',
    );
    assert.deepEqual(
      [...documented].filter((file) => !files.includes(file)),
      [],
      'ARCHITECTURE.md names modules that do not exist',
    );
  });
});
