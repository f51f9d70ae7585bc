import * as assert from 'node:assert/strict';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendInsideFolder } from '../../../src/demo-agent/folderWrite';
import { GREETING_LINE } from '../../../src/demo-agent/replies';
import { isObject } from '../../../src/shared/untrusted';
import { killMarked, MARKER_VAR, newMarker, waitFor } from '../../helpers/processes';

const DEMO_AGENT = path.resolve(__dirname, '..', '..', '..', 'src', 'demo-agent', 'main.js');

function userLine(text: string): string {
  return `${JSON.stringify({ type: 'user', message: { role: 'user', content: text } })}\n`;
}

/** The `content` blocks of the agent's `assistant` or `user` events, in order. */
function contentBlocks(stdout: string, type: 'assistant' | 'user'): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line): unknown => JSON.parse(line))
    .flatMap((event) => {
      if (!isObject(event) || event.type !== type || !isObject(event.message)) {
        return [];
      }
      const content = event.message.content;
      return Array.isArray(content) ? content.filter(isObject) : [];
    });
}

describe('the demo agent', () => {
  const marker = newMarker();
  let agent: ChildProcessWithoutNullStreams | undefined;
  let dir = '';

  beforeEach(async () => {
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-demo-agent-')));
  });

  afterEach(async () => {
    agent?.stdin.end();
    await killMarked(marker);
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Starts the agent in `cwd`, sends `text`, and resolves with its stdout once the turn's result is out. */
  async function oneTurn(cwd: string, text: string): Promise<string> {
    const child = spawn(process.execPath, [DEMO_AGENT], {
      cwd,
      env: { ...process.env, [MARKER_VAR]: marker, SHEPHERD_DEMO_DELAY_MS: '0' },
    });
    agent = child;
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.write(userLine(text));
    await waitFor('a result line', () => (stdout.includes('"type":"result"') ? true : undefined));
    return stdout;
  }

  it('ignores lines that are JSON but not objects, and answers the next message', async () => {
    const child = spawn(process.execPath, [DEMO_AGENT], {
      env: { ...process.env, [MARKER_VAR]: marker, SHEPHERD_DEMO_DELAY_MS: '0' },
    });
    agent = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // `null` used to crash it: reading `.type` of null threw in its stdin handler.
    child.stdin.write('null\n[1]\n"text"\n');
    child.stdin.write(userLine('hello'));
    await waitFor('a result line', () => (stdout.includes('"type":"result"') ? true : undefined));
    assert.equal(child.exitCode, null, 'the agent is still running');
    assert.equal(stderr.match(/not a JSON object/g)?.length, 3, stderr);
  });

  it('asked for a greeting, really appends it to README.md in its folder and reports an Edit tool call', async () => {
    const folder = path.join(dir, 'work');
    await fs.mkdir(folder);
    await fs.writeFile(path.join(folder, 'README.md'), '# Project\n');
    const stdout = await oneTurn(folder, 'please add a greeting to the README');
    assert.equal(await fs.readFile(path.join(folder, 'README.md'), 'utf8'), `# Project\n${GREETING_LINE}\n`);
    const toolUse = contentBlocks(stdout, 'assistant').find((block) => block.type === 'tool_use');
    assert.equal(toolUse?.name, 'Edit');
    const result = contentBlocks(stdout, 'user').find((block) => block.type === 'tool_result');
    assert.equal(result?.is_error, false);
    assert.match(String(result?.content), /Appended 1 line\(s\) to .*work\/README\.md/);
    assert.deepEqual(await fs.readdir(dir), ['work'], 'nothing was written beside its folder');
  });

  it('never writes outside its folder: a README.md that links elsewhere is refused and left alone', async () => {
    const folder = path.join(dir, 'work');
    await fs.mkdir(folder);
    const outside = path.join(dir, 'users-readme.md');
    await fs.writeFile(outside, 'the user’s own file\n');
    await fs.symlink(outside, path.join(folder, 'README.md'));
    const stdout = await oneTurn(folder, 'add a greeting to README');
    assert.equal(await fs.readFile(outside, 'utf8'), 'the user’s own file\n');
    const result = contentBlocks(stdout, 'user').find((block) => block.type === 'tool_result');
    assert.equal(result?.is_error, true);
    assert.match(String(result?.content), /README\.md is a symlink; the demo agent writes only plain files inside/);
  });

  it('appendInsideFolder refuses a path that leaves the folder, directly or through a linked folder', async () => {
    const folder = path.join(dir, 'work');
    await fs.mkdir(folder);
    await fs.mkdir(path.join(dir, 'elsewhere'));
    await fs.symlink(path.join(dir, 'elsewhere'), path.join(folder, 'linked'));
    await assert.rejects(appendInsideFolder(folder, '../escape.txt', 'x'), /outside the agent's folder/);
    await assert.rejects(appendInsideFolder(folder, path.join(dir, 'abs.txt'), 'x'), /outside the agent's folder/);
    await assert.rejects(appendInsideFolder(folder, 'linked/file.txt', 'x'), /through a symlinked folder/);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['elsewhere', 'work']);
    assert.deepEqual(await fs.readdir(path.join(dir, 'elsewhere')), []);
    assert.equal(await appendInsideFolder(folder, 'sub/../new.txt', 'ok\n'), path.join(folder, 'new.txt'));
    assert.equal(await fs.readFile(path.join(folder, 'new.txt'), 'utf8'), 'ok\n');
  });
});
