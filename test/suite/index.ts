// Extension-host suite entry. Shape expected by @vscode/test-electron (extensionTestsPath) and by the
// code-server runner extension (test/host-runner): export run(): Promise<void>, rejecting on failures.
// Runs every out/test/suite/**/*.test.js with mocha's BDD interface (describe/it). With SHEPHERD_SUITE_RESULTS
// set, mocha's JSON report goes to that file; otherwise the spec reporter prints to the console.
// SHEPHERD_SUITE_GREP narrows the run to matching test titles.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...findTests(full));
    } else if (entry.isFile() && entry.name.endsWith('.test.js')) {
      found.push(full);
    }
  }
  return found.sort();
}

export function run(): Promise<void> {
  const resultsFile = process.env.SHEPHERD_SUITE_RESULTS;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 30_000,
    slow: 5_000,
    ...(resultsFile ? { reporter: 'json', reporterOptions: { output: resultsFile } } : { reporter: 'spec' }),
  });
  const grep = process.env.SHEPHERD_SUITE_GREP;
  if (grep) {
    mocha.grep(grep);
  }
  for (const file of findTests(__dirname)) {
    mocha.addFile(file);
  }
  return new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
