import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The repository, from out/test/unit/architecture. */
export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const SRC_DIR = path.join(ROOT, 'src');

/**
 * The .ts files under `where` (a folder or one file), sorted, in the form `where` was given: relative to
 * the repository (what a failure message should name) or absolute (what the layout checks read).
 */
export async function listTs(where: string): Promise<string[]> {
  if ((await fs.stat(path.resolve(ROOT, where))).isFile()) {
    return [where];
  }
  const entries = await fs.readdir(path.resolve(ROOT, where), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? listTs(path.join(where, e.name))
        : Promise.resolve(e.name.endsWith('.ts') ? [path.join(where, e.name)] : []),
    ),
  );
  return nested.flat().sort();
}
