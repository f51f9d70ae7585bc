// Worktree sessions in the real extension host: the demo agent in a worktree of a temporary repository
// (the fixture workspace lives inside Shepherd's own repository, so the agent's cwd points elsewhere).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findMarked, killMarked, newMarker, waitFor } from '../helpers/processes';
import { EXTENSION_ID, markerEnv, updateSetting, useShepherd } from './shepherdHost';

const AGENT_ID = 'demo-in-worktree';

describe('worktree sessions', () => {
  afterEach(async () => {
    await Promise.all(test.api.sessions.list().map((session) => test.api.sessions.close(session.id)));
  });
  const test = useShepherd();
  const marker = newMarker();
  let dir = '';
  let repo = '';
  const git = (args: readonly string[], cwd = repo): string =>
    execFileSync('git', [...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(dir, 'gitconfig'), HOME: dir },
    }).trim();

  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-host-wt-')));
    repo = path.join(dir, 'repo');
    fs.mkdirSync(repo);
    git(['init', '-q', '-b', 'main']);
    git(['config', 'user.name', 'Test']);
    git(['config', 'user.email', 'test@localhost']);
    fs.writeFileSync(path.join(repo, 'app.txt'), 'one\ntwo\n');
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'initial']);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await updateSetting(
      'agents',
      [
        {
          id: AGENT_ID,
          label: 'Demo in worktree',
          kind: 'demo',
          command: process.execPath,
          args: [path.join(extension.extensionPath, 'dist', 'demo-agent.js')],
          cwd: repo,
          env: markerEnv(marker),
        },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await updateSetting('sessions.poolSize', 0, vscode.ConfigurationTarget.Global);
    // The harness's default is `never`; this file is about the other choice.
    await updateSetting('sessions.worktree', 'always', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await updateSetting('sessions.worktree', undefined, vscode.ConfigurationTarget.Global);
    await updateSetting('sessions.poolSize', undefined, vscode.ConfigurationTarget.Global);
    await updateSetting('agents', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await killMarked(marker);
    assert.deepEqual(await findMarked(marker), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the agent in a new worktree; Review Changes opens a multi-diff editor; the main tree stays clean', async () => {
    const id = await vscode.commands.executeCommand<string | undefined>('shepherd.session.new', AGENT_ID);
    assert.ok(id, 'New Agent Session returned no session');
    const worktree = test.api.sessions.placeOf(id)?.worktree;
    assert.ok(worktree, 'the session has no worktree');
    assert.equal(worktree.repoRoot, repo);
    assert.equal(path.dirname(worktree.path), `${repo}.worktrees`);
    assert.match(worktree.branch, /^shepherd\//);
    fs.writeFileSync(path.join(worktree.path, 'app.txt'), 'one\n2\nthree\n');
    fs.writeFileSync(path.join(worktree.path, 'new.txt'), 'added\n');
    assert.equal(git(['status', '--porcelain']), '', 'the main tree sees none of the agent’s edits');
    const shown = await vscode.commands.executeCommand<number>('shepherd.worktree.review', id);
    assert.equal(shown, 2);
    const tab = await waitFor('the multi-diff editor', () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.label.includes(`${worktree.branch} vs main`) ? active : undefined;
    });
    assert.ok(tab);
    assert.equal(git(['status', '--porcelain']), '', 'still clean after the review');
  });

  it('Accept (merge) brings the agent’s work into the main tree’s branch', async () => {
    const id = await vscode.commands.executeCommand<string | undefined>('shepherd.session.new', AGENT_ID);
    assert.ok(id);
    const worktree = test.api.sessions.placeOf(id)?.worktree;
    assert.ok(worktree);
    fs.writeFileSync(path.join(worktree.path, 'accepted.txt'), 'from the agent\n');
    const accepting = vscode.commands.executeCommand('shepherd.worktree.accept', id);
    // The first item is "Merge into main", then the commit message input keeps its proposed text.
    for (const step of ['the merge-or-squash pick', 'the commit message']) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      void step;
    }
    await accepting;
    await waitFor('the merge in the main tree', () =>
      fs.existsSync(path.join(repo, 'accepted.txt')) ? true : undefined,
    );
    assert.equal(fs.readFileSync(path.join(repo, 'accepted.txt'), 'utf8'), 'from the agent\n');
    assert.equal(git(['status', '--porcelain']), '', 'merged and committed');
    assert.match(git(['log', '-1', '--format=%s']), /Shepherd session/);
  });
});
