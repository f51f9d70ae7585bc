// Extension-host suite entry. Shape expected by @vscode/test-electron (extensionTestsPath) and by the
// code-server runner extension (test/host-runner): export run(): Promise<void>, rejecting on failures.
// Runs every out/test/suite/**/*.test.js with mocha's BDD interface (describe/it). With SHEPHERD_SUITE_RESULTS
// set, mocha's JSON report goes to that file; otherwise the spec reporter prints to the console.
// SHEPHERD_SUITE_GREP narrows the run to matching test titles.
import Mocha from 'mocha';
import { findFiles } from '../harness/cli';

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
  for (const file of findFiles(__dirname, '.test.js')) {
    mocha.addFile(file);
  }
  return new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) =>
        failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve(),
      );
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
