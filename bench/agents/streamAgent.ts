/**
 * A fake Claude Code agent for the session scenarios: it speaks the stream-json protocol (one JSON
 * event per stdout line) like test/fixtures/fake-claude.js, but streams as fast as the bench needs.
 * The user's message chooses the reply:
 *   "burst N"    N text deltas written back to back, as fast as the pipe takes them
 *   "pace N D"   N text deltas, D milliseconds apart (a model streaming at its own pace)
 *   anything     "you said: <text>" in three deltas, at once (first-token latency)
 * It ignores the flags Shepherd passes (-p, --input-format ...): it only ever speaks stream-json.
 */
import { readStdinLines } from '../../src/demo-agent/stdinLines';

const sessionId = `bench-${process.pid}`;
let initialised = false;
let interrupted = false;

// On Linux, writes to a pipe are synchronous: a full pipe blocks here, which is the backpressure.
function emit(event: object): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function delta(text: string): void {
  emit({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } });
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function turn(text: string): Promise<void> {
  interrupted = false;
  if (!initialised) {
    initialised = true;
    emit({ type: 'system', subtype: 'init', session_id: sessionId, model: 'bench-agent' });
  }
  emit({ type: 'stream_event', event: { type: 'message_start' } });
  const burst = /^burst (\d+)$/.exec(text);
  const paced = /^pace (\d+) (\d+)$/.exec(text);
  if (burst) {
    for (let i = 0; i < Number(burst[1]); i++) {
      delta(`t${i} `);
    }
  } else if (paced) {
    for (let i = 0; i < Number(paced[1]) && !interrupted; i++) {
      delta(`t${i} `);
      await pause(Number(paced[2]));
    }
  } else {
    for (const piece of ['you ', 'said: ', text]) {
      delta(piece);
    }
  }
  emit({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text: '(already streamed)' }] } });
  emit({
    type: 'result',
    subtype: interrupted ? 'error_during_execution' : 'success',
    is_error: interrupted,
    session_id: sessionId,
    total_cost_usd: 0,
    usage: { input_tokens: 1, output_tokens: 1 },
  });
}

interface IncomingMessage {
  readonly type?: string;
  readonly message?: { readonly content?: unknown };
}

let queue: Promise<void> = Promise.resolve();

function handleLine(line: string): void {
  let message: IncomingMessage;
  try {
    message = JSON.parse(line) as IncomingMessage;
  } catch (error) {
    // Shepherd only writes JSON lines; anything else is reported and skipped, as Claude Code would.
    process.stderr.write(`bench agent: ignoring a line that is not JSON (${(error as Error).message})\n`);
    return;
  }
  if (message.type === 'user' && typeof message.message?.content === 'string') {
    const content = message.message.content;
    queue = queue.then(() => turn(content));
  } else if (message.type === 'control_request') {
    interrupted = true;
  }
}

readStdinLines(handleLine, () => process.exit(0));
