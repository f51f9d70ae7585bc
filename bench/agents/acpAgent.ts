/**
 * A fake ACP agent for the ACP scenarios (JSON-RPC 2.0, one message per stdout line). It opens a
 * session on request and answers each prompt by its first words:
 *   "burst N"            N agent_message_chunk updates written back to back
 *   "pace N D"           N chunks, D milliseconds apart (200 chunks/s is "pace N 5")
 *   "terminals N"        N terminal/create of `sleep 30`, one after the other, each killed and released;
 *                        replies with the round trip of every create, in ms, as JSON
 *   "flood BYTES LIMIT"  one terminal printing BYTES with outputByteLimit LIMIT, read through
 *                        terminal/output every 20 ms until it exits; replies with what the last read held
 */
import { performance } from 'node:perf_hooks';
import { readStdinLines } from '../../src/demo-agent/stdinLines';

interface RpcMessage {
  readonly id?: number;
  readonly method?: string;
  readonly params?: Record<string, unknown>;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly message: string };
}

const SESSION_ID = `bench-acp-${process.pid}`;
const waiting = new Map<number, (message: RpcMessage) => void>();
let nextId = 1;

function send(message: object): void {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

function request(method: string, params: object): Promise<Record<string, unknown>> {
  const id = nextId++;
  send({ id, method, params: { sessionId: SESSION_ID, ...params } });
  return new Promise((resolve, reject) =>
    waiting.set(id, (answer) =>
      answer.error ? reject(new Error(`${method}: ${answer.error.message}`)) : resolve(answer.result ?? {}),
    ),
  );
}

function say(text: string): void {
  send({
    method: 'session/update',
    params: {
      sessionId: SESSION_ID,
      update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } },
    },
  });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function terminals(count: number): Promise<void> {
  const roundTrips: number[] = [];
  for (let i = 0; i < count; i++) {
    const startedAt = performance.now();
    const { terminalId } = await request('terminal/create', { command: '/bin/sleep', args: ['30'] });
    roundTrips.push(performance.now() - startedAt);
    await request('terminal/kill', { terminalId });
    await request('terminal/release', { terminalId });
  }
  say(JSON.stringify(roundTrips));
}

async function flood(bytes: number, limit: number): Promise<void> {
  const script = `const c=Buffer.alloc(65536,120);for(let i=0;i<${Math.ceil(bytes / 65_536)};i++)process.stdout.write(c)`;
  const { terminalId } = await request('terminal/create', {
    command: process.execPath,
    args: ['-e', script],
    outputByteLimit: limit,
  });
  let exited = false;
  const exit = request('terminal/wait_for_exit', { terminalId }).then(() => (exited = true));
  let last: Record<string, unknown> = {};
  while (!exited) {
    last = await request('terminal/output', { terminalId });
    await pause(20);
  }
  await exit;
  last = await request('terminal/output', { terminalId });
  await request('terminal/release', { terminalId });
  const output = typeof last.output === 'string' ? last.output : '';
  say(JSON.stringify({ outputChars: output.length, truncated: last.truncated === true }));
}

async function prompt(text: string): Promise<void> {
  const [word, first, second] = text.split(' ');
  const n = Number(first);
  if (word === 'burst') {
    for (let i = 0; i < n; i++) say(`t${i} `);
  } else if (word === 'pace') {
    for (let i = 0; i < n; i++) {
      say(`t${i} `);
      await pause(Number(second));
    }
  } else if (word === 'terminals') {
    await terminals(n);
  } else if (word === 'flood') {
    await flood(n, Number(second));
  } else {
    say(`you said: ${text}`);
  }
}

function onRequest(message: RpcMessage): void {
  const { id, method, params } = message;
  if (method === 'initialize') {
    send({ id, result: { protocolVersion: 1, agentCapabilities: {}, agentInfo: { name: 'bench-acp', version: '1' } } });
  } else if (method === 'session/new') {
    send({ id, result: { sessionId: SESSION_ID } });
  } else if (method === 'session/prompt') {
    const blocks = Array.isArray(params?.prompt) ? (params.prompt as Array<{ text?: string }>) : [];
    prompt(blocks.map((block) => block.text ?? '').join('')).then(
      () => send({ id, result: { stopReason: 'end_turn' } }),
      (error: unknown) => send({ id, error: { code: -32603, message: String(error) } }),
    );
  } else if (id !== undefined) {
    send({ id, error: { code: -32601, message: `Method not found: ${method}` } });
  }
}

readStdinLines(
  (line) => {
    if (line.trim() === '') return;
    const message = JSON.parse(line) as RpcMessage;
    if (message.method !== undefined) {
      onRequest(message);
    } else if (message.id !== undefined) {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  },
  () => process.exit(0),
);
