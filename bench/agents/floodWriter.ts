/**
 * A worker for the output-flood scenario: `floodWriter BYTES LINE_BYTES START_AT`. It prepares
 * BYTES of output in LINE_BYTES-byte lines (64 KiB writes), waits until the epoch millisecond
 * START_AT so that every writer of a repetition begins together (their Node start-up is over by
 * then, on both tools), writes it all as fast as the pipe takes it, then idles until killed.
 */
const [bytesArg, lineBytesArg, startAtArg] = process.argv.slice(2);
const total = Number(bytesArg);
const lineBytes = Number(lineBytesArg);
const startAt = Number(startAtArg);
if (!Number.isInteger(total) || !Number.isInteger(lineBytes) || lineBytes < 2 || !Number.isFinite(startAt)) {
  process.stderr.write('usage: floodWriter BYTES LINE_BYTES START_AT_EPOCH_MS\n');
  process.exit(2);
}

const line = `${'x'.repeat(lineBytes - 1)}\n`;
const chunk = Buffer.from(line.repeat(Math.max(1, Math.floor(65_536 / lineBytes))));

function pump(written: number): void {
  let sent = written;
  while (sent < total) {
    sent += chunk.length;
    if (!process.stdout.write(chunk)) {
      process.stdout.once('drain', () => pump(sent));
      return;
    }
  }
}

setTimeout(() => pump(0), Math.max(0, startAt - Date.now()));
// Idle until the supervisor stops it, as a server that has finished its burst of logging would.
setInterval(() => undefined, 1 << 30);
