import * as assert from 'node:assert/strict';
import { ActivityLog } from '../../../../src/core/base/activityLog';
import { HEALTH_RECOVERY_MS, HEALTH_SCAN_MAX_LINES, HealthScanner } from '../../../../src/core/workers/healthScan';
import { WorkerRecord } from '../../../../src/core/workers/workerRecord';
import { definition } from '../../../helpers/supervisorFixture';

describe('HealthScanner', () => {
  let activity: ActivityLog;
  let changes: string[];
  let scanner: HealthScanner;

  beforeEach(() => {
    activity = new ActivityLog((error) => assert.fail(`an activity listener threw: ${String(error)}`));
    changes = [];
    scanner = new HealthScanner({ activity, changed: (record) => changes.push(`${record.id} ${record.health}`) });
  });

  function worker(healthPatterns: readonly string[] = ['/rate limit/i', '/out of memory/i']): WorkerRecord {
    return new WorkerRecord(definition('api', 'true', [], { healthPatterns }));
  }

  function print(record: WorkerRecord, ...lines: string[]): void {
    record.output.writer('stdout').push(Buffer.from(lines.map((line) => `${line}\n`).join('')), Date.now());
  }

  function degradedEntries(): number {
    return activity.list().filter((entry) => entry.kind === 'degraded').length;
  }

  it('marks a worker degraded by the newest matching line, ANSI stripped, and says so once', () => {
    const record = worker();
    print(record, 'ok', 'Rate limit reached', '\u001b[31mOut of memory\u001b[0m', 'still going');
    scanner.scan([record], 1_000);
    assert.equal(record.health, 'degraded');
    assert.deepEqual(record.lastHealthMatch, { pattern: '/out of memory/i', line: 'Out of memory', at: 1_000 });
    assert.deepEqual(changes, ['api degraded']);
    assert.equal(degradedEntries(), 1);

    print(record, 'rate limit again');
    scanner.scan([record], 2_000);
    assert.equal(record.lastHealthMatch?.pattern, '/rate limit/i', 'a later match replaces the shown one');
    assert.equal(changes.length, 2);
    assert.equal(degradedEntries(), 1, 'a worker already degraded is not announced again');
  });

  it('scans each line once: a tick with no new output changes nothing', () => {
    const record = worker();
    print(record, 'rate limit');
    scanner.scan([record], 1_000);
    scanner.scan([record], 1_100);
    assert.deepEqual(changes, ['api degraded']);
  });

  it('is healthy again after HEALTH_RECOVERY_MS without a matching line', () => {
    const record = worker();
    print(record, 'rate limit');
    scanner.scan([record], 1_000);
    print(record, 'all fine now');
    scanner.scan([record], 1_000 + HEALTH_RECOVERY_MS);
    assert.equal(record.health, 'degraded', 'not before the time is up');
    scanner.scan([record], 1_001 + HEALTH_RECOVERY_MS);
    assert.equal(record.health, 'ok');
    assert.deepEqual(changes, ['api degraded', 'api ok']);
  });

  it('looks at no more than the newest HEALTH_SCAN_MAX_LINES lines of one tick', () => {
    const record = worker();
    print(record, 'out of memory', ...Array.from({ length: HEALTH_SCAN_MAX_LINES }, (_, i) => `line ${i}`));
    scanner.scan([record], 1_000);
    assert.equal(record.health, 'ok', 'the match fell outside the bound');
    print(record, 'rate limit');
    scanner.scan([record], 1_100);
    assert.equal(record.health, 'degraded');
  });

  it('leaves a worker without health patterns alone', () => {
    const record = worker([]);
    print(record, 'rate limit', 'out of memory');
    scanner.scan([record], 1_000);
    assert.equal(record.health, 'ok');
    assert.deepEqual(changes, []);
  });
});
