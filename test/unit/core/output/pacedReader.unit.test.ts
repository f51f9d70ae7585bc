import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { PacedReader, PAUSE_BYTES } from '../../../../src/core/output/pacedReader';
import { ReadThrottle } from '../../../../src/core/output/readThrottle';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Reading {
  readonly stream: PassThrough;
  readonly slices: Buffer[];
  /** How many slices had been handled when the stream's end was. */
  readonly endedAfter: number[];
  /** Whether the stream was paused right after each chunk it delivered. */
  readonly pausedAfterChunk: boolean[];
  readonly ended: Promise<void>;
}

/** Reads a PassThrough through a PacedReader, the way OutputBatcher reads a worker's pipe. */
function read(throttle: ReadThrottle, sliceBytes: number, pauseBytes = PAUSE_BYTES): Reading {
  const stream = new PassThrough();
  const slices: Buffer[] = [];
  const endedAfter: number[] = [];
  const pausedAfterChunk: boolean[] = [];
  let resolveEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  const reader = new PacedReader(
    stream,
    throttle,
    {
      data: (slice) => slices.push(Buffer.from(slice)),
      end: () => {
        endedAfter.push(slices.length);
        resolveEnded();
      },
    },
    sliceBytes,
    pauseBytes,
  );
  stream.on('data', (chunk: Buffer) => reader.push(chunk));
  // Registered after the reader's listener, so it sees the stream as the reader left it.
  stream.on('data', () => pausedAfterChunk.push(stream.isPaused()));
  stream.on('end', () => reader.end());
  return { stream, slices, endedAfter, pausedAfterChunk, ended };
}

function lines(count: number, prefix: string): string {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`.padEnd(40, '.') + '\n').join('');
}

describe('PacedReader', () => {
  it('delivers a big chunk whole and in order, cut after newlines, over several turns', async () => {
    const throttle = new ReadThrottle((error) => assert.fail(String(error)), 0);
    const reading = read(throttle, 200);
    const text = lines(100, 'line ');
    let turnsWhileReading = 0;
    const countTurns = (): void => {
      turnsWhileReading += 1;
      if (reading.endedAfter.length === 0) {
        setImmediate(countTurns);
      }
    };
    setImmediate(countTurns);
    reading.stream.end(text);
    await reading.ended;
    assert.equal(Buffer.concat(reading.slices).toString(), text, 'every byte, in order');
    assert.ok(
      reading.slices.every((slice) => slice.length <= 200 && slice.toString().endsWith('\n')),
      'each slice fits the slice size and ends after a newline',
    );
    assert.ok(reading.slices.length >= 4100 / 200, `${reading.slices.length} slices`);
    assert.ok(turnsWhileReading >= reading.slices.length, 'no budget: one slice per turn, the loop runs in between');
    assert.deepEqual(reading.endedAfter, [reading.slices.length], 'the end comes once, after the last slice');
  });

  it('cuts a line longer than a slice where the slice ends', async () => {
    const throttle = new ReadThrottle((error) => assert.fail(String(error)), 10_000);
    const reading = read(throttle, 64);
    const long = 'x'.repeat(150) + '\n';
    reading.stream.end(long);
    await reading.ended;
    assert.deepEqual(
      reading.slices.map((slice) => slice.length),
      [64, 64, 23],
    );
    assert.equal(Buffer.concat(reading.slices).toString(), long);
  });

  it('pauses the stream once its backlog is big and resumes it once handled', async () => {
    const throttle = new ReadThrottle((error) => assert.fail(String(error)), 0);
    const reading = read(throttle, 1_024, 4_096);
    reading.stream.write(lines(200, 'a'));
    reading.stream.write(lines(200, 'b'));
    await once(reading.stream, 'data');
    assert.equal(reading.stream.isPaused(), true, 'paused while the first chunk waits');
    reading.stream.end();
    await reading.ended;
    assert.equal(Buffer.concat(reading.slices).toString(), lines(200, 'a') + lines(200, 'b'));
    assert.ok(reading.pausedAfterChunk.length >= 2, `${reading.pausedAfterChunk.length} chunks`);
    assert.ok(
      reading.pausedAfterChunk.every((paused) => paused),
      'every chunk waits its turn with the stream paused',
    );
    assert.equal(reading.stream.isPaused(), false, 'resumed once the backlog was handled');
  });

  it('keeps reading while its backlog is small: no pause and resume per line', async () => {
    const throttle = new ReadThrottle((error) => assert.fail(String(error)), 0);
    const reading = read(throttle, 1_024);
    for (let i = 0; i < 20; i++) {
      const delivered = once(reading.stream, 'data');
      reading.stream.write(`line ${i}\n`);
      await delivered;
    }
    reading.stream.end();
    await reading.ended;
    assert.equal(reading.pausedAfterChunk.length, 20);
    assert.ok(
      reading.pausedAfterChunk.every((paused) => !paused),
      `paused after ${reading.pausedAfterChunk.filter((paused) => paused).length} of 20 lines`,
    );
    assert.equal(
      Buffer.concat(reading.slices).toString(),
      Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join(''),
    );
  });

  it('leaves a stream paused by someone else to them', async () => {
    const throttle = new ReadThrottle((error) => assert.fail(String(error)), 10_000);
    const slices: Buffer[] = [];
    const stream = new PassThrough();
    const reader = new PacedReader(stream, throttle, { data: (slice) => slices.push(slice), end: () => undefined });
    stream.pause();
    reader.push(Buffer.from('early\n'));
    await nextTurn();
    assert.deepEqual(slices.map(String), ['early\n']);
    assert.equal(stream.isPaused(), true);
  });
});
