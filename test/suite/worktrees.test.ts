// Worktree sessions in the real extension host: the demo agent in a worktree of a temporary repository
// (the fixture workspace lives inside Shepherd's own repository, so the agent's cwd points elsewhere).
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findMarked, killMarked, newMarker, waitFor } from '../helpers/processes';
import { EXTENSION_ID, markerEnv, updateSetting, useShepherdSessions, workspaceFolder } from './shepherdHost';

const AGENT_ID = 'demo-in-worktree';
const OUTSIDE_ID = 'demo-outside-git';

// The few members of the built-in git extension's API (extensions/git/src/api/git.d.ts) this file reads.
interface GitChange {
  readonly uri: vscode.Uri;
}
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly workingTreeChanges: readonly GitChange[];
    readonly indexChanges: readonly GitChange[];
    readonly untrackedChanges: readonly GitChange[];
    readonly mergeChanges: readonly GitChange[];
  };
  status(): Promise<void>;
}
interface GitApi {
  openRepository(root: vscode.Uri): Promise<GitRepository | null>;
}
interface GitExtension {
  readonly enabled: boolean;
  readonly onDidChangeEnablement: vscode.Event<boolean>;
  getAPI(version: 1): GitApi;
}

/** Accept Changes… as a caller gives it: merge, with the message a user would keep. */
async function acceptWithMerge(sessionId: string): Promise<void> {
  await vscode.commands.executeCommand('shepherd.worktree.accept', sessionId, 'merge', 'Demo (Shepherd session)');
}

/**
 * A merge editor's tab input (vscode.TabInputTextMerge, newer than the @types/vscode this project builds
 * against, so read by shape).
 */
interface MergeInput {
  readonly base: vscode.Uri;
  readonly input1: vscode.Uri;
  readonly input2: vscode.Uri;
  readonly result: vscode.Uri;
}

function isMergeInput(input: unknown): input is MergeInput {
  return (
    typeof input === 'object' &&
    input !== null &&
    ['base', 'input1', 'input2', 'result'].every((key) => (input as Record<string, unknown>)[key] instanceof vscode.Uri)
  );
}

/**
 * The files of a multi-diff editor's tab, by name (vscode.TabInputTextMultiDiff, newer than this project's
 * @types/vscode, so read by shape).
 */
function multiDiffFiles(input: unknown): string[] | undefined {
  const diffs = typeof input === 'object' && input !== null ? Reflect.get(input, 'textDiffs') : undefined;
  if (!Array.isArray(diffs)) {
    return undefined;
  }
  return diffs
    .map((diff: unknown) => {
      const modified = typeof diff === 'object' && diff !== null ? Reflect.get(diff, 'modified') : undefined;
      return modified instanceof vscode.Uri ? path.basename(modified.path) : String(modified);
    })
    .sort();
}

/** Every change the Source Control view lists for `repository`, as paths relative to its root. */
async function scmChanges(repository: GitRepository): Promise<string[]> {
  await repository.status();
  const { workingTreeChanges, indexChanges, untrackedChanges, mergeChanges } = repository.state;
  return [...workingTreeChanges, ...indexChanges, ...untrackedChanges, ...mergeChanges].map((change) =>
    path.relative(repository.rootUri.fsPath, change.uri.fsPath),
  );
}

/**
 * What this file sets for the built-in git extension (present in code-server 1.100.3): the harness turns
 * it off (`git.enabled: false`) to keep other tests quiet. The temporary repository lies outside the
 * workspace, which the extension opens only with `openRepositoryInParentFolders: always`; Shepherd's own
 * repository (the fixture workspace lies inside it) is ignored.
 */
function gitExtensionSettings(shepherdRepo: string): Record<string, unknown> {
  return {
    ignoredRepositories: shepherdRepo === '' ? [] : [shepherdRepo],
    openRepositoryInParentFolders: 'always',
    enabled: true,
  };
}

/** The built-in git extension, switched on; see gitExtensionSettings. */
async function enableGitExtension(): Promise<GitApi> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  assert.ok(extension, 'the built-in git extension is missing');
  // Empty where the fixture is not inside a checkout (an unpacked archive): then nothing needs ignoring.
  const shepherdRepo = spawnSync('git', ['rev-parse', '--show-toplevel'], {
    cwd: workspaceFolder().uri.fsPath,
    encoding: 'utf8',
  }).stdout.trim();
  const config = vscode.workspace.getConfiguration('git');
  for (const [key, value] of Object.entries(gitExtensionSettings(shepherdRepo))) {
    await config.update(key, value, vscode.ConfigurationTarget.Global);
  }
  const git = await extension.activate();
  if (!git.enabled) {
    await new Promise<void>((resolve) => {
      const listener = git.onDidChangeEnablement((enabled) => {
        if (enabled) {
          listener.dispose();
          resolve();
        }
      });
    });
  }
  return git.getAPI(1);
}

/** Reverts every document with unsaved changes, so that closing the editors asks nothing. */
async function revertDirtyDocuments(): Promise<void> {
  for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}

describe('worktree sessions', () => {
  const test = useShepherdSessions();
  const marker = newMarker();
  let dir = '';
  let repo = '';
  let outside = '';
  const git = (args: readonly string[], cwd = repo): string =>
    execFileSync('git', [...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: path.join(dir, 'gitconfig'), HOME: dir },
    }).trim();

  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'shepherd-host-wt-')));
    repo = path.join(dir, 'repo');
    outside = path.join(dir, 'not-a-repo');
    fs.mkdirSync(repo);
    fs.mkdirSync(outside);
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
        {
          id: OUTSIDE_ID,
          label: 'Demo outside git',
          kind: 'demo',
          command: process.execPath,
          args: [path.join(extension.extensionPath, 'dist', 'demo-agent.js')],
          cwd: outside,
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
    for (const key of Object.keys(gitExtensionSettings(''))) {
      await vscode.workspace.getConfiguration('git').update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await revertDirtyDocuments();
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
    fs.writeFileSync(path.join(worktree.path, 'logo.bin'), Buffer.from([0, 1, 2, 0, 255]));
    assert.equal(git(['status', '--porcelain']), '', 'the main tree sees none of the agent’s edits');
    const shown = await vscode.commands.executeCommand<number>('shepherd.worktree.review', id);
    assert.equal(shown, 3);
    const tab = await waitFor('the multi-diff editor', () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.label.includes(`${worktree.branch} vs main`) ? active : undefined;
    });
    assert.ok(tab.label.includes('(binary, not diffed: logo.bin)'), tab.label);
    assert.deepEqual(multiDiffFiles(tab.input), ['app.txt', 'new.txt'], 'the text files, each in its own diff');
    const opened = await vscode.commands.executeCommand<string>('shepherd.worktree.reviewFile', id, 'app.txt');
    assert.equal(opened, 'app.txt');
    const diff = await waitFor('the diff editor of app.txt', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff && input.modified.fsPath.endsWith('app.txt') ? input : undefined;
    });
    assert.equal(diff.modified.fsPath, path.join(worktree.path, 'app.txt'));
    assert.equal(diff.original.scheme, 'shepherd-git');
    assert.equal((await vscode.workspace.openTextDocument(diff.original)).getText(), 'one\ntwo\n', 'the base side');
    assert.equal(git(['status', '--porcelain']), '', 'still clean after the review');
  });

  it('Accept (merge) brings the agent’s work into the main tree’s branch', async () => {
    const id = await vscode.commands.executeCommand<string | undefined>('shepherd.session.new', AGENT_ID);
    assert.ok(id);
    const worktree = test.api.sessions.placeOf(id)?.worktree;
    assert.ok(worktree);
    fs.writeFileSync(path.join(worktree.path, 'accepted.txt'), 'from the agent\n');
    await acceptWithMerge(id);
    await waitFor('the merge in the main tree', () =>
      fs.existsSync(path.join(repo, 'accepted.txt')) ? true : undefined,
    );
    assert.equal(fs.readFileSync(path.join(repo, 'accepted.txt'), 'utf8'), 'from the agent\n');
    assert.equal(git(['status', '--porcelain']), '', 'merged and committed');
    assert.match(git(['log', '-1', '--format=%s']), /Shepherd session/);
  });

  it('the Source Control view (vscode.git) of the main tree lists nothing while the agent has changes', async () => {
    const scm = await (await enableGitExtension()).openRepository(vscode.Uri.file(repo));
    assert.ok(scm, `the git extension did not open ${repo}`);
    assert.equal(scm.rootUri.fsPath, repo);
    assert.deepEqual(await scmChanges(scm), [], 'the main tree starts clean');
    const id = await vscode.commands.executeCommand<string | undefined>('shepherd.session.new', AGENT_ID);
    assert.ok(id);
    const worktree = test.api.sessions.placeOf(id)?.worktree;
    assert.ok(worktree);
    // The agent's work: an edit, a new file, a deletion and a commit on its branch.
    fs.writeFileSync(path.join(worktree.path, 'app.txt'), 'one\nTWO\n');
    git(['commit', '-q', '-am', 'agent edit'], worktree.path);
    fs.writeFileSync(path.join(worktree.path, 'scratch.txt'), 'agent notes\n');
    fs.rmSync(path.join(worktree.path, 'app.txt'));
    assert.notEqual(git(['status', '--porcelain'], worktree.path), '', 'the worktree has changes');
    assert.deepEqual(await scmChanges(scm), [], 'the main tree’s Source Control view shows none of them');
    // The same view does list a change of the main tree: the empty list above is not blindness.
    fs.writeFileSync(path.join(repo, 'users-own.txt'), 'mine\n');
    try {
      assert.deepEqual(await scmChanges(scm), ['users-own.txt']);
    } finally {
      fs.rmSync(path.join(repo, 'users-own.txt'));
    }
  });

  it('Accept that stops on a conflict opens the merge editor on the file, with nothing lost', async () => {
    const id = await vscode.commands.executeCommand<string | undefined>('shepherd.session.new', AGENT_ID);
    assert.ok(id);
    const worktree = test.api.sessions.placeOf(id)?.worktree;
    assert.ok(worktree);
    fs.writeFileSync(path.join(worktree.path, 'app.txt'), 'one\nagent\n');
    fs.writeFileSync(path.join(repo, 'app.txt'), 'one\nuser\n');
    git(['commit', '-q', '-am', 'the user’s own edit']);
    try {
      await acceptWithMerge(id);
      const merge = await waitFor('the merge editor', () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return isMergeInput(input) ? input : undefined;
      });
      assert.equal(merge.result.fsPath, path.join(repo, 'app.txt'));
      const sides = await Promise.all(
        [merge.base, merge.input1, merge.input2].map(async (uri) =>
          (await vscode.workspace.openTextDocument(uri)).getText(),
        ),
      );
      assert.deepEqual(sides, ['one\ntwo\n', 'one\nagent\n', 'one\nuser\n'], 'base, incoming (agent), current');
      assert.match(fs.readFileSync(path.join(repo, 'app.txt'), 'utf8'), /<<<<<<< HEAD\nuser\n=======\nagent\n>>>>>>> /);
      assert.equal(git(['diff', '--name-only', '--diff-filter=U']), 'app.txt', 'left unmerged for the user to resolve');
    } finally {
      // Reverted first: closing an unresolved merge editor would save its result over the aborted merge.
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      // The merge editor's result can stay dirty after it closed (seen in CI): Close All would then ask to save it.
      await revertDirtyDocuments();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      if (fs.existsSync(path.join(repo, '.git', 'MERGE_HEAD'))) {
        git(['merge', '--abort']);
      }
    }
  });

  it('outside a repository the worktree item is there but unavailable: picking it starts no session', async () => {
    await updateSetting('sessions.worktree', 'ask', vscode.ConfigurationTarget.Global);
    try {
      const sessions = test.api.sessions.list().length;
      const starting = vscode.commands.executeCommand<string | undefined>('shepherd.session.new', OUTSIDE_ID);
      // "Run the agent where?": the workspace folder first, then "New worktree (unavailable)".
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      // It used to start the agent in the folder itself, where it edits the user's files in place.
      assert.equal(await starting, undefined);
      assert.equal(test.api.sessions.list().length, sessions);
    } finally {
      await updateSetting('sessions.worktree', 'always', vscode.ConfigurationTarget.Global);
    }
  });

  it('asked where, "New worktree from another branch…" starts the worktree from the branch picked', async () => {
    git(['branch', 'feature']);
    git(['worktree', 'add', '-q', path.join(dir, 'feature-tree'), 'feature']);
    fs.writeFileSync(path.join(dir, 'feature-tree', 'feature.txt'), 'from the feature branch\n');
    git(['add', '-A'], path.join(dir, 'feature-tree'));
    git(['commit', '-q', '-m', 'feature work'], path.join(dir, 'feature-tree'));
    await updateSetting('sessions.worktree', 'ask', vscode.ConfigurationTarget.Global);
    try {
      const starting = vscode.commands.executeCommand<string | undefined>('shepherd.session.new', AGENT_ID);
      // Workspace folder, New worktree, New worktree from another branch…; then the branches, by name.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const id = await starting;
      assert.ok(id, 'no session started');
      const worktree = test.api.sessions.placeOf(id)?.worktree;
      assert.ok(worktree);
      assert.equal(worktree.baseLabel, 'feature');
      assert.equal(worktree.baseCommit, git(['rev-parse', 'feature']));
      assert.equal(fs.readFileSync(path.join(worktree.path, 'feature.txt'), 'utf8'), 'from the feature branch\n');
    } finally {
      await updateSetting('sessions.worktree', 'always', vscode.ConfigurationTarget.Global);
    }
  });
});
