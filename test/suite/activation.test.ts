// Activation: every contributed command exists, and the API the other tests use is there.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TEST_RESULTS_DIR } from '../harness/paths';
import { EXTENSION_ID, useShepherd } from './shepherdHost';

/** The last runs' activate() times, for bench/ (scenario 7): a figure from the real extension host. */
const ACTIVATION_FILE = path.join(TEST_RESULTS_DIR, 'activation.json');
const KEPT_RUNS = 20;

function recordActivation(ms: number): void {
  let previous: number[] = [];
  if (fs.existsSync(ACTIVATION_FILE)) {
    const parsed = JSON.parse(fs.readFileSync(ACTIVATION_FILE, 'utf8')) as { activateMs?: unknown };
    previous = Array.isArray(parsed.activateMs)
      ? parsed.activateMs.filter((value): value is number => typeof value === 'number')
      : [];
  }
  fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
  fs.writeFileSync(ACTIVATION_FILE, JSON.stringify({ activateMs: [...previous, ms].slice(-KEPT_RUNS) }, null, 2));
}

interface ContributedCommand {
  command: string;
}

describe('activation', () => {
  const test = useShepherd();

  it('registers every command package.json contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const contributed = (
      extension.packageJSON as { contributes: { commands: ContributedCommand[] } }
    ).contributes.commands.map((entry) => entry.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((id) => !registered.has(id)),
      [],
    );
    assert.ok(registered.has('shepherd.workers.focus'), 'the Workers view is contributed');
  });

  it('activates quickly, and records how quickly for the benchmark', () => {
    assert.ok(
      test.api.activationMs > 0 && test.api.activationMs < 5_000,
      `activate() took ${test.api.activationMs} ms`,
    );
    recordActivation(test.api.activationMs);
  });

  it('returns the supervisor and the tree for tests', () => {
    assert.ok(test.api.supervisor);
    assert.ok(test.api.tree);
    assert.deepEqual(test.api.tree.getChildren(), []);
  });
});
