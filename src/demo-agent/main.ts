/**
 * Shepherd's built-in demo agent: a small Node program that speaks Claude Code's stream-json
 * protocol with canned, streamed replies, so sessions work out of the box with no API key and no
 * network. It answers every message; it calls a harmless tool (listing its working folder); when
 * asked to "run" something it asks permission first, as Claude Code does; and asked for a greeting,
 * it really edits README.md in its working folder (never outside it), so a worktree session has a
 * change to review.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { appendInsideFolder } from './folderWrite';
import { cannedReply, DemoReply, DemoToolEffect } from './replies';
import { readStdinLines } from './stdinLines';
import { isObject, objectField, stringField } from '../shared/untrusted';

/** Fast enough to feel live, slow enough that streaming and Interrupt are visible. */
const DELTA_DELAY_MS = Number(process.env.SHEPHERD_DEMO_DELAY_MS ?? 30);
const sessionId = process.env.SHEPHERD_DEMO_SESSION ?? randomUUID();
const model = 'shepherd-demo (canned replies, no model)';

let initialised = false;
let interrupted = false;
let turnInFlight = false;
const queue: string[] = [];
const pendingPermissions = new Map<string, (allowed: boolean) => void>();

function emit(event: object): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function streamText(text: string): Promise<void> {
  emit({ type: 'stream_event', event: { type: 'message_start' } });
  const pieces = text.match(/\S+\s*/g) ?? [];
  for (const piece of pieces) {
    if (interrupted) {
      return;
    }
    emit({
      type: 'stream_event',
      event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } },
    });
    await pause(DELTA_DELAY_MS);
  }
  emit({ type: 'assistant', message: { role: 'assistant', model, content: [{ type: 'text', text }] } });
}

async function listFolder(): Promise<string> {
  const names = await fs.readdir(process.cwd());
  return names.slice(0, 20).join('\n') || '(empty folder)';
}

/** Does what the tool call says; a failed write is the tool's error, reported to the user, not a crash. */
async function runEffect(effect: DemoToolEffect): Promise<{ output: string; isError: boolean }> {
  switch (effect.kind) {
    case 'list-folder':
      return { output: await listFolder(), isError: false };
    case 'none':
      return { output: '(demo: nothing was actually run)', isError: false };
    case 'append':
      try {
        const file = await appendInsideFolder(process.cwd(), effect.file, effect.text);
        return { output: `Appended ${effect.text.split('\n').length - 1} line(s) to ${file}`, isError: false };
      } catch (error) {
        return { output: error instanceof Error ? error.message : String(error), isError: true };
      }
  }
}

function askPermission(command: string): Promise<boolean> {
  const requestId = randomUUID();
  emit({
    type: 'control_request',
    request_id: requestId,
    request: {
      subtype: 'can_use_tool',
      tool_name: 'Bash',
      input: { command },
      description: 'Demo: pretend to run a command',
    },
  });
  return new Promise((resolve) => pendingPermissions.set(requestId, resolve));
}

async function useTool(reply: DemoReply): Promise<void> {
  if (!reply.tool) {
    return;
  }
  const id = `toolu_${randomUUID().slice(0, 8)}`;
  emit({
    type: 'assistant',
    message: {
      role: 'assistant',
      model,
      content: [{ type: 'tool_use', id, name: reply.tool.name, input: reply.tool.input }],
    },
  });
  const { output, isError } =
    reply.tool.needsPermission && !(await askPermission(String(reply.tool.input.command)))
      ? { output: 'The user denied this tool.', isError: true }
      : await runEffect(reply.tool.effect);
  emit({
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: output, is_error: isError }] },
  });
}

async function runTurn(text: string): Promise<void> {
  interrupted = false;
  if (!initialised) {
    initialised = true;
    emit({
      type: 'system',
      subtype: 'init',
      session_id: sessionId,
      model,
      cwd: process.cwd(),
      tools: ['LS', 'Bash', 'Edit'],
    });
  }
  const reply = cannedReply(text);
  await streamText(reply.before);
  if (!interrupted) {
    await useTool(reply);
  }
  if (!interrupted) {
    await streamText(reply.after);
  }
  const words = reply.before.split(/\s+/).length + reply.after.split(/\s+/).length;
  emit({
    type: 'result',
    subtype: interrupted ? 'error_during_execution' : 'success',
    is_error: interrupted,
    session_id: sessionId,
    result: interrupted ? 'Interrupted by the user.' : reply.after,
    total_cost_usd: 0,
    usage: { input_tokens: text.split(/\s+/).length, output_tokens: words },
  });
}

async function drain(): Promise<void> {
  if (turnInFlight) {
    return;
  }
  turnInFlight = true;
  while (queue.length > 0) {
    await runTurn(queue.shift() as string);
  }
  turnInFlight = false;
}

function handleLine(line: string): void {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    process.stderr.write(`demo agent: ignoring a line that is not JSON: ${line.slice(0, 80)}\n`);
    return;
  }
  if (!isObject(message)) {
    process.stderr.write(`demo agent: ignoring a line that is not a JSON object: ${line.slice(0, 80)}\n`);
    return;
  }
  if (message.type === 'user') {
    const content = objectField(message, 'message')?.content;
    queue.push(typeof content === 'string' ? content : JSON.stringify(content));
    void drain();
  } else if (message.type === 'control_request' && objectField(message, 'request')?.subtype === 'interrupt') {
    interrupted = true;
    for (const resolve of pendingPermissions.values()) {
      resolve(false);
    }
    pendingPermissions.clear();
  } else if (message.type === 'control_response') {
    const response = objectField(message, 'response');
    const id = (response && stringField(response, 'request_id')) ?? '';
    pendingPermissions.get(id)?.((response && objectField(response, 'response'))?.behavior === 'allow');
    pendingPermissions.delete(id);
  }
}

readStdinLines(
  (line) => {
    if (line.trim() !== '') {
      handleLine(line);
    }
  },
  () => process.exit(0),
);
process.on('SIGTERM', () => process.exit(0));
