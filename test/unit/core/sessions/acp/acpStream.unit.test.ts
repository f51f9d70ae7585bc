import * as assert from 'node:assert/strict';
import type { AnyMessage, SessionNotification } from '@agentclientprotocol/sdk';
import { AcpWorkerStream } from '../../../../../src/core/sessions/acp/acpStream';

/** A stream over nothing: what it hands up (chunks, problems, the SDK's messages) in the order it does. */
function recordedStream(): { stream: AcpWorkerStream; seen: string[]; sent: string[]; dispose: () => void } {
  const seen: string[] = [];
  const sent: string[] = [];
  const stream = new AcpWorkerStream((text) => (sent.push(text), true), {
    problem: (reason) => seen.push(`problem: ${reason}`),
    update: (notification: SessionNotification) => seen.push(`chunk: ${JSON.stringify(notification.update)}`),
  });
  const reader = stream.stream.readable.getReader();
  let reading = true;
  const read = async (): Promise<void> => {
    while (reading) {
      const next = await reader.read();
      if (next.done) {
        return;
      }
      const message: AnyMessage = next.value;
      seen.push(`sdk: ${'method' in message ? message.method : `response ${String(message.id)}`}`);
    }
  };
  void read();
  return {
    stream,
    seen,
    sent,
    dispose: () => {
      reading = false;
      stream.dispose();
      void reader.cancel();
    },
  };
}

function line(message: object): string {
  return `${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`;
}

function textChunk(text: string, extra: object = {}): string {
  return line({
    method: 'session/update',
    params: { sessionId: 's1', update: { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text } } },
    ...extra,
  });
}

const turnOfTheLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ACP worker stream', () => {
  it('reads text chunks itself, at once, without the SDK', () => {
    const { stream, seen, dispose } = recordedStream();
    try {
      stream.push(Buffer.from(textChunk('Hello') + textChunk(' world')));
      assert.deepEqual(seen, [
        'chunk: {"sessionUpdate":"agent_message_chunk","content":{"type":"text","text":"Hello"}}',
        'chunk: {"sessionUpdate":"agent_message_chunk","content":{"type":"text","text":" world"}}',
      ]);
    } finally {
      dispose();
    }
  });

  it('keeps a chunk behind the SDK message before it: the SDK is done with that one first', async () => {
    const { stream, seen, sent, dispose } = recordedStream();
    try {
      const writer = stream.stream.writable.getWriter();
      await writer.write({ jsonrpc: '2.0', id: 1, method: 'session/new', params: {} });
      assert.equal(sent.length, 1);
      const answer = line({ id: 1, result: { sessionId: 's1' } });
      const plan = line({ method: 'session/update', params: { sessionId: 's1', update: { sessionUpdate: 'plan' } } });
      stream.push(Buffer.from(answer + textChunk('a') + plan + textChunk('b')));
      assert.deepEqual(seen, [], 'everything waits behind the answer');
      await turnOfTheLoop();
      await turnOfTheLoop();
      await turnOfTheLoop();
      assert.deepEqual(seen, [
        'sdk: response 1',
        'chunk: {"sessionUpdate":"agent_message_chunk","content":{"type":"text","text":"a"}}',
        'sdk: session/update',
        'chunk: {"sessionUpdate":"agent_message_chunk","content":{"type":"text","text":"b"}}',
      ]);
    } finally {
      dispose();
    }
  });

  it('reports a text chunk with a bad field, naming it, and hands the SDK other content', async () => {
    const { stream, seen, dispose } = recordedStream();
    try {
      const badText = line({
        method: 'session/update',
        params: {
          sessionId: 's1',
          update: { sessionUpdate: 'agent_thought_chunk', content: { type: 'text', text: 3 } },
        },
      });
      const badMessageId = textChunk('x').replace('"update":{', '"update":{"messageId":7,');
      const image = line({
        method: 'session/update',
        params: {
          sessionId: 's1',
          update: { sessionUpdate: 'agent_message_chunk', content: { type: 'image', data: '', mimeType: 'image/png' } },
        },
      });
      stream.push(Buffer.from(badText + badMessageId + image));
      await turnOfTheLoop();
      assert.deepEqual(seen, [
        'problem: a text chunk with update.content."text" must be a string',
        'problem: a text chunk with update."messageId" must be a string or null',
        'sdk: session/update',
      ]);
    } finally {
      dispose();
    }
  });
});
