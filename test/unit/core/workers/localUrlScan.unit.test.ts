import * as assert from 'node:assert/strict';
import { findLocalUrls, LocalUrlScanner, MAX_LOCAL_URLS } from '../../../../src/core/workers/localUrlScan';
import { WorkerRecord } from '../../../../src/core/workers/workerRecord';
import { waitFor } from '../../../helpers/processes';
import { definition, useSupervisor } from '../../../helpers/supervisorFixture';

describe('local URLs in output', () => {
  it('finds localhost, 127.0.0.1, 0.0.0.0 (as localhost) and [::1], without trailing punctuation', () => {
    assert.deepEqual(findLocalUrls('  ➜  Local:   \u001b[36mhttp://localhost:5173/\u001b[39m'), [
      'http://localhost:5173/',
    ]);
    assert.deepEqual(findLocalUrls('listening on http://127.0.0.1:8080/api?x=1.'), ['http://127.0.0.1:8080/api?x=1']);
    assert.deepEqual(findLocalUrls('bound to http://0.0.0.0:3000, ready'), ['http://localhost:3000']);
    assert.deepEqual(findLocalUrls('(see https://[::1]:8443)'), ['https://[::1]:8443']);
    assert.deepEqual(findLocalUrls('docs at https://example.com:3000 and http://localhost.evil.test'), []);
    assert.deepEqual(findLocalUrls('no url here'), []);
  });

  it('keeps the newest distinct URLs first, at most MAX_LOCAL_URLS, and scans each line once', () => {
    const changed: string[] = [];
    const scanner = new LocalUrlScanner((record) => changed.push(record.localUrls.join(' ')));
    const record = new WorkerRecord(definition('web', 'true', []));
    const print = (...lines: string[]): void => {
      record.output.writer('stdout').push(Buffer.from(lines.map((line) => `${line}\n`).join('')), Date.now());
    };
    print('http://localhost:1', 'http://localhost:2', 'http://localhost:1');
    scanner.scan([record]);
    assert.deepEqual(record.localUrls, ['http://localhost:1', 'http://localhost:2']);
    scanner.scan([record]);
    assert.equal(changed.length, 1, 'no new lines, no change');
    print('http://localhost:3', 'http://localhost:4');
    scanner.scan([record]);
    assert.equal(record.localUrls.length, MAX_LOCAL_URLS);
    assert.deepEqual(record.localUrls, ['http://localhost:4', 'http://localhost:3', 'http://localhost:1']);
  });

  describe('on the supervisor tick', () => {
    const h = useSupervisor({ tickMs: 50 });

    it('offers the URL a real worker printed while it runs, and none once it stopped', async () => {
      const script =
        'console.log("Server ready at http://localhost:4173/ (press h for help)"); setInterval(() => {}, 1e6);';
      h.supervisor.upsert(definition('web', process.execPath, ['-e', script]));
      await h.supervisor.start('web');
      const urls = await waitFor('the URL on the view', () => {
        const found = h.supervisor.get('web')?.localUrls ?? [];
        return found.length > 0 ? found : undefined;
      });
      assert.deepEqual(urls, ['http://localhost:4173/']);
      await h.supervisor.stop('web');
      assert.deepEqual(h.supervisor.get('web')?.localUrls, [], 'a stopped worker offers no URL');
    });
  });
});
