import type { AnyMessage, Stream } from '@agentclientprotocol/sdk';
import { isObject } from '../../../shared/untrusted';
import { encodeJsonLine, JsonLineDecoder, stringifyUntrusted } from '../protocols/jsonLines';

/** Something the agent sent that Shepherd dropped: a broken line, an oversize message, a stray response. */
export type StreamProblem = (reason: string, excerpt: string) => void;

const EXCERPT_CHARS = 120;

type JsonRpcId = string | number | null;

function isJsonRpcId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || typeof value === 'number' || value === null;
}

/** Whether `value` has the shape of a JSON-RPC request, notification or response; details are the SDK's to check. */
function isMessage(value: unknown): value is AnyMessage {
  if (!isObject(value) || value.jsonrpc !== '2.0') {
    return false;
  }
  return typeof value.method === 'string' || ('id' in value && isJsonRpcId(value.id));
}

/** The outline of a `session/update`: an object naming its session and the kind of update. */
function isSessionUpdate(params: unknown): boolean {
  if (!isObject(params) || typeof params.sessionId !== 'string') {
    return false;
  }
  const update = params.update;
  return isObject(update) && typeof update.sessionUpdate === 'string';
}

function excerptOf(value: unknown): string {
  return stringifyUntrusted(value).slice(0, EXCERPT_CHARS);
}

/**
 * The SDK's message stream over an agent worker's stdin and stdout. Framing is Shepherd's own
 * (the same bounded JSON-lines decoder as the other protocols), so a broken line, an oversize
 * message or a response to a request Shepherd never sent is dropped and reported, and the
 * connection goes on; the SDK's own framing would end the connection on an oversize message.
 */
export class AcpWorkerStream {
  readonly stream: Stream;
  private readonly lines = new JsonLineDecoder();
  /** Ids of Shepherd's requests still waiting for their answer. */
  private readonly outstanding = new Set<string | number>();
  private controller: ReadableStreamDefaultController<AnyMessage> | undefined;
  private ended = false;

  constructor(
    private readonly write: (text: string) => boolean,
    private readonly problem: StreamProblem,
  ) {
    this.stream = {
      readable: new ReadableStream<AnyMessage>({
        start: (controller) => {
          this.controller = controller;
        },
      }),
      writable: new WritableStream<AnyMessage>({ write: (message) => this.send(message) }),
    };
  }

  /** Feeds raw stdout of the agent. */
  push(chunk: Buffer): void {
    for (const line of this.lines.push(chunk)) {
      if (line.ok) {
        this.receive(line.value);
      } else {
        this.problem(line.reason, line.excerpt);
      }
    }
  }

  /** The agent's stdout ended: pending requests fail, as the SDK does for a closed stream. */
  end(): void {
    if (this.ended) {
      return;
    }
    for (const line of this.lines.end()) {
      if (!line.ok) {
        this.problem(line.reason, line.excerpt);
      }
    }
    this.ended = true;
    this.controller?.close();
  }

  private send(message: AnyMessage): void {
    if ('method' in message && 'id' in message && message.id !== null) {
      this.outstanding.add(message.id);
    }
    if (!this.write(encodeJsonLine(message))) {
      throw new Error('the agent process is not running');
    }
  }

  private receive(value: unknown): void {
    if (this.ended) {
      return;
    }
    if (!isMessage(value)) {
      this.problem('not a JSON-RPC 2.0 message', excerptOf(value));
      return;
    }
    if ('method' in value && value.method === 'session/update' && !isSessionUpdate(value.params)) {
      // The SDK would reject it too, but by writing to the console once per message: a flood of them
      // must cost a bounded notice, like any other broken line.
      this.problem('a session/update without a known shape', excerptOf(value));
      return;
    }
    if (!('method' in value)) {
      if (value.id === null || !this.outstanding.delete(value.id)) {
        this.problem('a response to a request Shepherd did not send (or answered twice)', excerptOf(value));
        return;
      }
    }
    this.controller?.enqueue(value);
  }
}
