// Smoke test for the extension-host suite: real VS Code API, the fixture workspace and the installed Shepherd.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const repoManifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
  publisher: string;
  name: string;
  version: string;
};

describe('extension host smoke', () => {
  it('runs inside VS Code 1.100', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  it('has the Shepherd extension installed at the version being tested', () => {
    const id = `${repoManifest.publisher}.${repoManifest.name}`;
    const extension = vscode.extensions.getExtension(id);
    assert.ok(extension, `${id} is not installed; installed: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
    assert.equal((extension.packageJSON as { version?: string }).version, repoManifest.version);
  });

  it('opened the fixture workspace', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.equal(folders[0]?.name, 'workspace');
    const files = (await vscode.workspace.findFiles('**/*')).map((uri) => path.basename(uri.fsPath)).sort();
    assert.ok(files.includes('README.md') && files.includes('notes.txt'), `fixture files: ${files.join(', ')}`);
    assert.equal(vscode.workspace.isTrusted, true);
  });
});
