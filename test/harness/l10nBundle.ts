// Writes l10n/bundle.l10n.json from the l10n.t calls in src: `npm run l10n` after adding or changing a
// message. A translation is a copy of it named bundle.l10n.<locale>.json with the values translated.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BUNDLE_FILE, expectedBundle } from '../unit/architecture/l10nSources';

async function main(): Promise<void> {
  const bundle = await expectedBundle();
  await fs.mkdir(path.dirname(BUNDLE_FILE), { recursive: true });
  await fs.writeFile(BUNDLE_FILE, bundle);
  console.log(`wrote ${Object.keys(JSON.parse(bundle) as object).length} messages to ${BUNDLE_FILE}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
