import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { l10nMessages } from './l10nScan';
import { listTs, ROOT } from './sourceFiles';

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

/** l10n/bundle.l10n.json as it should read: each message once, sorted, mapped to itself (English). */
export async function expectedBundle(): Promise<string> {
  const messages = new Set<string>();
  for (const file of (await Promise.all(BUNDLE_SOURCES.map(listTs))).flat()) {
    l10nMessages(file, await fs.readFile(path.join(ROOT, file), 'utf8')).forEach((m) => messages.add(m));
  }
  const sorted = [...messages].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${JSON.stringify(Object.fromEntries(sorted.map((m) => [m, m])), null, 2)}\n`;
}
