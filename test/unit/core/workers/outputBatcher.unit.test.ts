import * as assert from 'node:assert/strict';
import { SLICE_BYTES } from '../../../../src/core/output/pacedReader';
import { killGroupSync } from '../../../../src/core/process/processGroup';
import { LaunchedWorker, launchWorker } from '../../../../src/core/process/processLauncher';
import { OutputBatch, OutputBatcher, OutputBatcherOptions } from '../../../../src/core/workers/outputBatcher';
import { WorkerRecord } from '../../../../src/core/workers/workerRecord';
import { killMarked, MARKER_VAR, newMarker, waitFor } from '../../../helpers/processes';
import { definition, RecordingLogger } from '../../../helpers/supervisorFixture';

const node = process.execPath;
const BATCH_MS = 60;

describe('OutputBatcher', () => {
  let marker: string;
  let logger: RecordingLogger;
  let launched: LaunchedWorker[];
  let batchers: OutputBatcher[];

  beforeEach(() => {
    marker = newMarker();
    logger = new RecordingLogger();
    launched = [];
    batchers = [];
  });

  afterEach(async () => {
    for (const worker of launched) {
      if (worker.child.pid !== undefined && worker.child.exitCode === null && worker.child.signalCode === null) {
        killGroupSync(worker.child.pid);
      }
    }
    // The test's own cleanup: a worker still writing when the test ended is killed and reaped here,
    // so the leak check below sees only what cleanup could not end.
    await Promise.all(launched.map((worker) => worker.exited));
    for (const batcher of batchers) {
      batcher.dispose();
    }
    const leaked = await killMarked(marker);
    assert.deepEqual(leaked, [], 'processes outlived the test');
  });

  function batcher(options: Partial<OutputBatcherOptions> = {}): { batcher: OutputBatcher; batches: OutputBatch[] } {
    const created = new OutputBatcher({
      logger,
      onListenerError: (error) => assert.fail(`an output listener threw: ${String(error)}`),
      batchMs: BATCH_MS,
      droppedLines: () => undefined,
      ...options,
    });
    batchers.push(created);
    const batches: OutputBatch[] = [];
    created.onDidOutput((batch) => batches.push(batch));
    return { batcher: created, batches };
  }

  /** Runs `script` under node as a worker and has `target` read it; resolves once it exited. */
  async function run(target: OutputBatcher, record: WorkerRecord, script: string): Promise<LaunchedWorker> {
    const worker = await launchWorker(definition(record.id, node, ['-e', script]), { [MARKER_VAR]: marker });
    launched.push(worker);
    target.follow(record, {
      child: worker.child,
      early: worker.early,
      writers: { stdout: record.output.writer('stdout'), stderr: record.output.writer('stderr') },
    });
    return worker;
  }

  function worker(id: string, outputBufferBytes?: number): WorkerRecord {
    return new WorkerRecord(definition(id, node, [], outputBufferBytes ? { outputBufferBytes } : {}));
  }

  function settled(batches: OutputBatch[], id: string, lines: number): Promise<true> {
    return waitFor(`${lines} lines of ${id}`, () =>
      batches.filter((b) => b.workerId === id).reduce((sum, b) => sum + b.count, 0) >= lines ? true : undefined,
    );
  }

  it('delivers a flood in few batches, each continuing where the previous ended, at most one per interval', async () => {
    const { batcher: target, batches } = batcher();
    const record = worker('flood');
    const arrived: number[] = [];
    target.onDidOutput(() => arrived.push(Date.now()));
    await run(target, record, 'for (let i = 1; i <= 3000; i++) console.log("line " + i)');
    await settled(batches, 'flood', 3000);
    assert.ok(batches.length < 100, `${batches.length} batches for 3000 lines`);
    let previous = 0;
    for (const batch of batches) {
      assert.equal(batch.lastSeq - batch.count, previous, 'no gap and no overlap between batches');
      previous = batch.lastSeq;
    }
    const texts = batches.flatMap((batch) => batch.lines.map((line) => line.text));
    assert.equal(texts[0], 'line 1');
    assert.equal(texts[texts.length - 1], 'line 3000');
    for (let i = 1; i < arrived.length; i++) {
      // Node may fire a timer a millisecond early.
      assert.ok(arrived[i] - arrived[i - 1] >= BATCH_MS - 2, `batches ${arrived[i] - arrived[i - 1]} ms apart`);
    }
  });

  it('hands raw stdout chunks to taps before batching; a throwing tap is logged and the others go on', async () => {
    const { batcher: target, batches } = batcher();
    const record = worker('tapped');
    const tapped: Buffer[] = [];
    record.stdoutTaps.add(() => {
      throw new Error('faulty tap');
    });
    record.stdoutTaps.add((chunk) => tapped.push(chunk));
    await run(target, record, 'process.stdout.write("partial"); console.error("to stderr")');
    await settled(batches, 'tapped', 2);
    assert.equal(Buffer.concat(tapped).toString(), 'partial', 'stdout only, and before any newline');
    assert.ok(logger.lines.includes('error [worker:tapped] a stdout listener threw: faulty tap'));
  });

  it('keeps the output a process printed before it was followed', async () => {
    const { batcher: target, batches } = batcher();
    const record = worker('early');
    const worker0 = await launchWorker(definition('early', node, ['-e', 'console.log("last words")']), {
      [MARKER_VAR]: marker,
    });
    launched.push(worker0);
    await worker0.exited;
    target.follow(record, {
      child: worker0.child,
      early: worker0.early,
      writers: { stdout: record.output.writer('stdout'), stderr: record.output.writer('stderr') },
    });
    await settled(batches, 'early', 1);
    assert.deepEqual(
      batches.flatMap((b) => b.lines.map((l) => l.text)),
      ['last words'],
    );
  });

  it('pauses a pipe whose backlog grows while the read budget is spent, and still delivers every line', async () => {
    const { batcher: target, batches } = batcher({ readBudgetMs: 0 });
    const record = worker('throttled');
    // One write of 200 KB: the pipe is full at once, and each read hands over up to 64 KiB.
    const worker0 = await run(
      target,
      record,
      'process.stdout.write(Array.from({length: 2000}, (_, i) => "x".repeat(100) + (i + 1) + "\\n").join(""))',
    );
    const pausedAfterChunk: boolean[] = [];
    // Registered after the batcher's listener, so it sees the stream as the throttle left it.
    worker0.child.stdout.on('data', () => pausedAfterChunk.push(worker0.child.stdout.isPaused()));
    await settled(batches, 'throttled', 2000);
    // Reads of up to 64 KiB against 4 KiB handled per turn: the backlog reaches PAUSE_BYTES, the writer waits on the pipe.
    assert.ok(
      pausedAfterChunk.some((paused) => paused),
      `paused after none of ${pausedAfterChunk.length} chunks`,
    );
    assert.equal(record.output.lastSeq, 2000);
  });

  it('hands a flood to taps a slice at a time, one slice per turn of the event loop when the budget is spent', async () => {
    const { batcher: target, batches } = batcher({ readBudgetMs: 0 });
    const record = worker('sliced');
    const tapped: Buffer[] = [];
    const turnAtTap: number[] = [];
    let turns = 0;
    let counting = true;
    const countTurns = (): void => {
      turns += 1;
      if (counting) {
        setImmediate(countTurns);
      }
    };
    setImmediate(countTurns);
    record.stdoutTaps.add((chunk) => {
      tapped.push(Buffer.from(chunk));
      turnAtTap.push(turns);
    });
    try {
      // One write of 200 KB: the pipe hands it over in reads of up to 64 KiB.
      await run(
        target,
        record,
        'process.stdout.write(Array.from({length: 2000}, (_, i) => "y".repeat(99) + i % 10 + "\\n").join(""))',
      );
      await settled(batches, 'sliced', 2000);
    } finally {
      counting = false;
    }
    assert.equal(Buffer.concat(tapped).length, 2000 * 101, 'every byte reached the tap');
    assert.ok(
      tapped.every((slice) => slice.length <= SLICE_BYTES),
      `slices of at most ${SLICE_BYTES} bytes: ${tapped.map((slice) => slice.length).join(', ')}`,
    );
    assert.ok(
      turnAtTap.every((turn, i) => i === 0 || turn > turnAtTap[i - 1]),
      'each slice in a turn of its own: timers and I/O run in between',
    );
  });

  it('tells the owner when the buffer dropped lines, so the view can show the new count', async () => {
    const dropped: string[] = [];
    const { batcher: target, batches } = batcher({ droppedLines: (record) => dropped.push(record.id) });
    const small = worker('small', 4 * 1024);
    // As the supervisor does on every start: the view is published (and cached) before any output.
    // Without it, a flood read whole before the first batch would be the view's first state.
    assert.equal(small.view().droppedLines, 0);
    await run(target, small, 'for (let i = 1; i <= 2000; i++) console.log("line " + i)');
    await settled(batches, 'small', 2000);
    assert.ok(small.output.droppedLines > 0);
    assert.ok(dropped.includes('small'));
  });

  it('sends nothing for a worker forgotten before its batch was due, nor anything after dispose', async () => {
    // Long enough that both workers' lines are read before the first batch is due.
    const { batcher: target, batches } = batcher({ batchMs: 2_000 });
    const forgotten = worker('forgotten');
    await run(target, forgotten, 'console.log("a")');
    await waitFor('the line in the buffer', () => (forgotten.output.lastSeq === 1 ? true : undefined));
    target.forget(forgotten);
    const kept = worker('kept');
    await run(target, kept, 'console.log("b")');
    await settled(batches, 'kept', 1);
    assert.deepEqual(
      batches.map((batch) => batch.workerId),
      ['kept'],
    );

    target.dispose();
    const late = worker('late');
    await (
      await run(target, late, 'console.log("c")')
    ).exited;
    await waitFor('the line in the buffer', () => (late.output.lastSeq === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      batches.map((batch) => batch.workerId),
      ['kept'],
    );
  });
});
