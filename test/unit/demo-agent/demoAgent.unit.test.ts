import * as assert from 'node:assert/strict';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';
import { killMarked, MARKER_VAR, newMarker, waitFor } from '../../helpers/processes';

const DEMO_AGENT = path.resolve(__dirname, '..', '..', '..', 'src', 'demo-agent', 'main.js');

describe('the demo agent', () => {
  const marker = newMarker();
  let agent: ChildProcessWithoutNullStreams | undefined;

  afterEach(async () => {
    agent?.stdin.end();
    await killMarked(marker);
  });

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
    child.stdin.write(`${JSON.stringify({ type: 'user', message: { role: 'user', content: 'hello' } })}\n`);
    await waitFor('a result line', () => (stdout.includes('"type":"result"') ? true : undefined));
    assert.equal(child.exitCode, null, 'the agent is still running');
    assert.equal(stderr.match(/not a JSON object/g)?.length, 3, stderr);
  });
});
