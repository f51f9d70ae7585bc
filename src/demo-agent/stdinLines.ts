/**
 * The stdin loop of a fake agent (the demo agent, the test fakes, the bench's agent): calls `onLine`
 * with each line as it completes, without its newline, and `onEnd` once stdin closes. Lines are split
 * on LF only, as the protocols Shepherd speaks frame them. Without `onEnd`, the end of stdin changes
 * nothing: the program runs on until it is stopped.
 */
export function readStdinLines(onLine: (line: string) => void, onEnd?: () => void): void {
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    for (let index = buffered.indexOf('\n'); index >= 0; index = buffered.indexOf('\n')) {
      const line = buffered.slice(0, index);
      buffered = buffered.slice(index + 1);
      onLine(line);
    }
  });
  if (onEnd) {
    process.stdin.on('end', onEnd);
  }
}
