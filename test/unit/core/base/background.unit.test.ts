import * as assert from 'node:assert/strict';
import { DeadlineScheduler } from '../../../../src/core/workers/deadlineScheduler';
import { maskSecretArguments, maskValues, redact } from '../../../../src/core/base/secrets';
import { TaskRegistry } from '../../../../src/core/base/taskRegistry';
import { SubprocessTimeoutError, withTimeout } from '../../../../src/core/base/timeouts';
import { RecordingLogger } from '../../../helpers/supervisorFixture';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('TaskRegistry', () => {
  it('logs a task that rejects with its name and error, and forgets it', async () => {
    const logger = new RecordingLogger();
    const tasks = new TaskRegistry(logger);
    const result = await tasks.run('write status', async () => {
      throw new Error('disk full');
    });
    assert.equal(result, undefined);
    assert.deepEqual(logger.lines, ['error background task "write status" failed: disk full']);
    assert.equal(tasks.size, 0);
  });

  it('aborts tasks on shutdown and reports the ones that did not finish', async () => {
    const tasks = new TaskRegistry(new RecordingLogger());
    let sawAbort = false;
    void tasks.run('polite', async (signal) => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      sawAbort = true;
    });
    void tasks.run('stubborn', () => pause(5_000));
    const report = await tasks.shutdown(100);
    assert.ok(sawAbort);
    assert.deepEqual(report.unfinished, ['stubborn']);
  });
});

describe('withTimeout', () => {
  it('passes a value through and clears its timer', async () => {
    assert.equal(await withTimeout(Promise.resolve(7), 1_000, 'answer'), 7);
  });

  it('rejects with the operation, the limit and the pid, and runs cleanup exactly once', async () => {
    let cleanups = 0;
    const error = await withTimeout(new Promise(() => undefined), 20, 'stop worker', {
      pid: 42,
      onTimeout: () => {
        cleanups += 1;
        throw new Error('cleanup failed too');
      },
    }).catch((e: unknown) => e);
    assert.ok(error instanceof SubprocessTimeoutError);
    assert.deepEqual([error.operation, error.timeoutMs, error.pid], ['stop worker', 20, 42]);
    assert.equal((error.cause as Error).message, 'cleanup failed too');
    await pause(50);
    assert.equal(cleanups, 1);
  });
});

describe('DeadlineScheduler', () => {
  it('runs keyed work in deadline order on one timer, and cancels', async () => {
    const scheduler = new DeadlineScheduler(new RecordingLogger());
    const ran: string[] = [];
    const now = Date.now();
    scheduler.schedule('late', now + 60, () => ran.push('late'));
    scheduler.schedule('early', now + 20, () => ran.push('early'));
    scheduler.schedule('cancelled', now + 30, () => ran.push('cancelled'));
    scheduler.cancel('cancelled');
    await pause(120);
    assert.deepEqual(ran, ['early', 'late']);
    assert.equal(scheduler.size, 0);
    scheduler.dispose();
  });
});

describe('secrets', () => {
  it('masks env values wherever they appear', () => {
    assert.equal(maskValues('curl -H "Bearer sk-abc123456"', ['sk-abc123456', 'on']), 'curl -H "Bearer •••"');
  });

  it('masks secret-looking flags and assignments in a command line', () => {
    assert.equal(
      maskSecretArguments('server --api-key=abc --port 80 --token xyz'),
      'server --api-key=••• --port 80 --token •••',
    );
    assert.equal(maskSecretArguments('GITHUB_TOKEN=ghp_1 run'), 'GITHUB_TOKEN=••• run');
    assert.equal(redact('run --pass-file secret.txt hunter22', { PW: 'hunter22' }), 'run --pass-file secret.txt •••');
  });
});
