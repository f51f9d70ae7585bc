import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { WatchedGroup } from '../../../../src/core/recovery/groupWatcher';
import { hostFileStem, parseHostFileStem, parseOwnerMark } from '../../../../src/core/recovery/ownerMark';
import { parseHostMessage } from '../../../../src/core/recovery/sentinelProtocol';
import { appendSentinelLog, sentinelLogPath, takeSentinelLogs } from '../../../../src/core/recovery/sentinelLog';
import { SentinelWatch } from '../../../../src/core/recovery/sentinelWatch';
import { foldJournal } from '../../../../src/core/recovery/spawnJournal';

const group: WatchedGroup = { workerId: 'web', label: 'web', pgid: 4242, startToken: 'ticks:7', graceMs: 300 };

describe('recovery inputs: sentinel messages, journals, owner marks, sentinel logs', () => {
  it('accepts the three host messages and names what is wrong with anything else', () => {
    assert.deepEqual(parseHostMessage({ type: 'started', group }), { type: 'started', group });
    assert.deepEqual(parseHostMessage({ type: 'ended', pgid: 4242, startToken: 'ticks:7' }), {
      type: 'ended',
      pgid: 4242,
      startToken: 'ticks:7',
    });
    assert.deepEqual(parseHostMessage({ type: 'goodbye' }), { type: 'goodbye' });
    assert.deepEqual(parseHostMessage({ type: 'started', group: { ...group, pgid: 1 } }), {
      problem: '"group.pgid" is not a usable process group id',
    });
    assert.deepEqual(parseHostMessage({ type: 'ended', pgid: -5 }), {
      problem: '"ended" does not name a process group',
    });
    assert.deepEqual(parseHostMessage('goodbye'), { problem: 'the message is not an object' });
    assert.deepEqual(parseHostMessage({ type: 'reap' }), { problem: 'unknown message type "reap"' });
  });

  it('never lets an arbitrary message put group 0, 1 or a negative id on the list (fuzzed)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (value, pgid) => {
        const watch = new SentinelWatch(() => undefined);
        watch.receive(value);
        watch.receive({ type: 'started', group: { ...group, pgid } });
        const parsed = parseHostMessage({ type: 'started', group: { ...group, pgid } });
        const usable = typeof pgid === 'number' && Number.isInteger(pgid) && pgid > 1;
        assert.equal('problem' in parsed, !usable);
        assert.ok(watch.size <= 2);
      }),
    );
  });

  it("forgets a group on 'ended' only when the start token matches, and remembers a goodbye", () => {
    const problems: string[] = [];
    const watch = new SentinelWatch((problem) => problems.push(problem));
    watch.receive({ type: 'started', group });
    watch.receive({ type: 'ended', pgid: 4242, startToken: 'ticks:8' });
    assert.equal(watch.size, 1, 'an end of another incarnation of the PID removed the group');
    watch.receive({ type: 'ended', pgid: 4242, startToken: 'ticks:7' });
    assert.equal(watch.size, 0);
    watch.receive({ type: 'started' });
    assert.deepEqual(problems, ['ignored a message from the host: "group" is not an object']);
    assert.equal(watch.goodbye, false);
    watch.receive({ type: 'goodbye' });
    assert.equal(watch.goodbye, true);
  });

  it('folds a journal into the groups started and not ended, reporting torn and foreign lines', () => {
    const start = (pgid: number, token: string): string =>
      JSON.stringify({ t: 'start', ...group, pgid, startToken: token, at: 1 });
    const text = [
      start(100, 'ticks:1'),
      start(200, 'ticks:2'),
      JSON.stringify({ t: 'end', pgid: 100, startToken: 'ticks:1' }),
      JSON.stringify({ t: 'end', pgid: 200, startToken: 'ticks:9' }),
      JSON.stringify({ t: 'start', ...group, pgid: 1 }),
      '{"t":"sta',
    ].join('\n');
    const { workers, problems } = foldJournal(text);
    assert.deepEqual(
      workers.map((w) => [w.pgid, w.startToken]),
      [[200, 'ticks:2']],
    );
    assert.deepEqual(problems, ['line 5: "pgid" is not a usable process id', 'line 6 is not valid JSON']);
  });

  it('never throws on arbitrary journal text, and only ever yields usable group ids (fuzzed)', () => {
    const line = fc.oneof(
      fc.string(),
      fc
        .record({ t: fc.constantFrom('start', 'end', 'x'), pgid: fc.integer(), workerId: fc.string() })
        .map((r) => JSON.stringify({ ...group, ...r, at: 0 })),
    );
    fc.assert(
      fc.property(fc.array(line), (lines) => {
        const { workers } = foldJournal(lines.join('\n'));
        assert.ok(workers.every((w) => typeof w.pgid === 'number' && w.pgid > 1 && w.pgid === w.pid));
      }),
    );
  });

  it('reads back the owner marks and file stems it writes, and nothing else (fuzzed)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4_194_304 }), fc.option(fc.nat()), (pid, ticks) => {
        const host = { pid, startToken: ticks === null ? undefined : `ticks:${ticks}` };
        assert.deepEqual(parseHostFileStem(hostFileStem(host)), host);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const mark = parseOwnerMark(text);
        assert.ok(mark === undefined || (Number.isSafeInteger(mark.pid) && mark.pid > 0));
      }),
    );
    assert.equal(parseOwnerMark('0/ticks:1'), undefined);
    assert.equal(parseOwnerMark('12/ticks:1; rm -rf ~'), undefined);
  });

  it("takes other hosts' sentinel logs once, reports bad lines, and leaves this host's own alone", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shepherd-sentinel-log-'));
    try {
      const dead = { pid: 11, startToken: 'ticks:1' };
      const own = { pid: 12, startToken: 'ticks:2' };
      const entry = { at: 1, hostPid: 11, workerId: 'web', label: 'web', pgid: 4242, outcome: 'terminated' as const };
      appendSentinelLog(sentinelLogPath(dir, dead), entry);
      await fs.appendFile(sentinelLogPath(dir, dead), 'garbage\n{"at":1,"problem":"bad message"}\n');
      appendSentinelLog(sentinelLogPath(dir, own), entry);
      assert.equal((await fs.stat(sentinelLogPath(dir, dead))).mode & 0o777, 0o600);
      const first = await takeSentinelLogs(dir, own);
      assert.deepEqual(first.entries, [entry]);
      assert.deepEqual(first.problems, [
        `${path.basename(sentinelLogPath(dir, dead))} line 2 is not a sentinel log entry`,
        'the sentinel reported: bad message',
      ]);
      assert.deepEqual(await takeSentinelLogs(dir, own), { entries: [], problems: [] });
      await fs.access(sentinelLogPath(dir, own));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
