// Procfiles: Import Procfile… with a file argument, and the Procfile named by shepherd.procfile.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { WorkerDefinition } from '../../src/core/definitions/workerDefinition';
import { fixture } from '../helpers/processes';
import { markerPrefix, updateSetting, useShepherd, waitForState, waitForWorker, workspaceFolder } from './shepherdHost';

describe('Procfile', () => {
  const test = useShepherd();
  let tempDir: string | undefined;

  afterEach(() => {
    if (tempDir) {
      fs.rmSync(tempDir, { recursive: true, force: true });
      tempDir = undefined;
    }
  });

  function procfileText(marker: string): string {
    return [
      '# services for the test',
      '',
      `web: ${markerPrefix(marker)} "${process.execPath}" "${fixture('echo-lines.js')}" web`,
      'this line is not an entry',
      `clock:   ${markerPrefix(marker)} "${process.execPath}" -e "setInterval(() => console.log(Date.now()), 100)"`,
      '',
    ].join('\n');
  }

  it('Import Procfile creates one shell worker per entry, stopped, in the Procfile folder', async () => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-procfile-'));
    const procfile = path.join(tempDir, 'Procfile');
    fs.writeFileSync(procfile, procfileText(test.marker));
    const definitions = await vscode.commands.executeCommand<WorkerDefinition[]>(
      'shepherd.procfile.import',
      vscode.Uri.file(procfile),
    );
    const prefix = `procfile-${path
      .basename(tempDir)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')}-`;
    assert.deepEqual(
      definitions.map((d) => [d.id, d.label, d.shell, d.cwd, d.source, d.autoStart, d.args.length]),
      [
        [`${prefix}web`, 'web', true, tempDir, 'procfile', false, 0],
        [`${prefix}clock`, 'clock', true, tempDir, 'procfile', false, 0],
      ],
    );
    assert.equal(test.api.supervisor.get(`${prefix}web`)?.state, 'stopped');
    await vscode.commands.executeCommand('shepherd.worker.start', `${prefix}web`);
    await waitForState(test.api, `${prefix}web`, 'running');
  });

  it('loads the Procfile that shepherd.procfile names and follows its edits', async () => {
    const name = 'Procfile.shepherd-test';
    const procfile = path.join(workspaceFolder().uri.fsPath, name);
    fs.writeFileSync(procfile, procfileText(test.marker));
    try {
      await updateSetting('procfile', name);
      const prefix = `procfile-${workspaceFolder().name.toLowerCase()}-`;
      await waitForWorker(test.api, `${prefix}clock`, 'to be listed', (view) => view?.state === 'stopped');
      assert.equal(test.api.supervisor.get(`${prefix}web`)?.source, 'procfile');
      fs.writeFileSync(
        procfile,
        `web: ${markerPrefix(test.marker)} "${process.execPath}" "${fixture('echo-lines.js')}" only\n`,
      );
      await waitForWorker(test.api, `${prefix}clock`, 'to be removed after the edit', (view) => view === undefined);
    } finally {
      fs.rmSync(procfile, { force: true });
    }
  });
});
