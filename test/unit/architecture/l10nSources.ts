import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { l10nMessages } from './l10nScan';

/** The repository, from out/test/unit/architecture. */
export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * Where user-facing text lives: every string in these that reads as prose must go through l10n.t.
 * The one list the enforcement test scans; extend it as more folders are localized.
 */
export const LOCALIZED_SOURCES: readonly string[] = [
  'src/extension.ts',
  'src/ui',
  'src/webview',
  'src/core',
  'src/shared',
  'src/peer',
  'src/sentinel',
];

/** The bundle a translator translates: every l10n.t message anywhere in src, not only the folders above. */
export const BUNDLE_SOURCES: readonly string[] = ['src'];

export const BUNDLE_FILE = path.join(ROOT, 'l10n', 'bundle.l10n.json');

/** The .ts files under `relative` (a folder or one file), relative to the repository, sorted. */
export async function listTs(relative: string): Promise<string[]> {
  const absolute = path.join(ROOT, relative);
  if ((await fs.stat(absolute)).isFile()) {
    return [relative];
  }
  const entries = await fs.readdir(absolute, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? listTs(path.join(relative, e.name))
        : Promise.resolve(e.name.endsWith('.ts') ? [path.join(relative, e.name)] : []),
    ),
  );
  return nested.flat().sort();
}

/** l10n/bundle.l10n.json as it should read: each message once, sorted, mapped to itself (English). */
export async function expectedBundle(): Promise<string> {
  const messages = new Set<string>();
  for (const file of (await Promise.all(BUNDLE_SOURCES.map(listTs))).flat()) {
    l10nMessages(file, await fs.readFile(path.join(ROOT, file), 'utf8')).forEach((m) => messages.add(m));
  }
  const sorted = [...messages].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${JSON.stringify(Object.fromEntries(sorted.map((m) => [m, m])), null, 2)}\n`;
}
