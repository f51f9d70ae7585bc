import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePeerArgs } from '../../../../src/peer/peerArgs';
import { readPeerSecrets } from '../../../../src/peer/peerSecrets';

describe('the headless peer: arguments and secrets', () => {
  it('reads its flags, and refuses a secret given as an argument', () => {
    const ok = parsePeerArgs([
      '--workers',
      'w.json',
      '--redis',
      'redis://h:1',
      '--name',
      'gpu',
      '--allow-remote-control',
    ]);
    assert.equal(ok.kind, 'ok');
    assert.equal(ok.kind === 'ok' && ok.args.allowRemoteControl, true);
    const secret = parsePeerArgs(['--workers', 'w.json', '--redis', 'redis://h:1', '--password=hunter2']);
    assert.equal(secret.kind, 'invalid');
    const errors = secret.kind === 'invalid' ? secret.errors.join(' ') : '';
    assert.match(errors, /never taken from arguments/);
    assert.ok(!errors.includes('hunter2'));
  });

  it('takes secrets from a 0600 file over the environment, and refuses a file others can read', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-peer-secrets-'));
    try {
      const file = path.join(dir, 'secrets');
      await fs.writeFile(file, '# fleet\nSHEPHERD_FLEET_SECRET=from-file\nSHEPHERD_REDIS_PASSWORD=p=w\n', {
        mode: 0o600,
      });
      const secrets = await readPeerSecrets(file, { SHEPHERD_FLEET_SECRET: 'from-env', SHEPHERD_REDIS_USERNAME: 'u' });
      assert.deepEqual(secrets, { fleetSecret: 'from-file', redisPassword: 'p=w', redisUsername: 'u' });
      await fs.chmod(file, 0o644);
      await assert.rejects(readPeerSecrets(file, {}), /readable by others \(mode 644\); chmod 600/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
