import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findCommand } from '../../../../src/core/process/commandLookup';

describe('findCommand', () => {
  let dir: string;
  let bin: string;
  let other: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-lookup-'));
    bin = path.join(dir, 'bin');
    other = path.join(dir, 'other');
    await fs.mkdir(bin);
    await fs.mkdir(other);
    await fs.writeFile(path.join(bin, 'agent-cli'), '#!/bin/sh\n', { mode: 0o755 });
    await fs.writeFile(path.join(other, 'plain-file'), 'not a program\n', { mode: 0o644 });
    await fs.mkdir(path.join(other, 'a-folder'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('finds an executable by name on PATH, searching the folders in order', async () => {
    const env = { PATH: [other, bin].join(path.delimiter) };
    assert.equal(await findCommand('agent-cli', env, '/'), path.join(bin, 'agent-cli'));
  });

  it('finds nothing for a name that is not on PATH, or is a plain file or a folder there', async () => {
    const env = { PATH: [other, bin].join(path.delimiter) };
    assert.equal(await findCommand('no-such-agent-cli', env, '/'), undefined);
    assert.equal(await findCommand('plain-file', env, '/'), undefined);
    assert.equal(await findCommand('a-folder', env, '/'), undefined);
    assert.equal(await findCommand('agent-cli', { PATH: '' }, '/'), undefined);
    assert.equal(await findCommand('', env, '/'), undefined);
  });

  it('checks a path as it is: absolute, or relative to the working folder, never on PATH', async () => {
    const env = { PATH: bin };
    assert.equal(await findCommand(path.join(bin, 'agent-cli'), env, '/'), path.join(bin, 'agent-cli'));
    assert.equal(await findCommand('./bin/agent-cli', env, dir), path.join(bin, 'agent-cli'));
    assert.equal(await findCommand('./agent-cli', env, other), undefined);
  });

  it('finds the node running this test as the OS would', async () => {
    const found = await findCommand(path.basename(process.execPath), { PATH: path.dirname(process.execPath) }, '/');
    assert.equal(found, process.execPath);
  });
});
