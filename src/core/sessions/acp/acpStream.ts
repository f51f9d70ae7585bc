import * as l10n from '@vscode/l10n';
import type { AnyMessage, SessionNotification, Stream } from '@agentclientprotocol/sdk';
import { isObject } from '../../../shared/untrusted';
import { encodeJsonLine, JsonLineDecoder, stringifyUntrusted } from '../protocols/jsonLines';
import { readTextChunk } from './acpTextChunks';

/** What the stream hands up besides the SDK's messages. */
export interface StreamListener {
  /** Something the agent sent that Shepherd dropped: a broken line, an oversize message, a stray response. */
  problem(reason: string, excerpt: string): void;
  /** A text chunk of the session, read by Shepherd itself (see acpTextChunks.ts). */
  update(notification: SessionNotification): void;
}

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
function isSessionUpdate(params: unknown): params is Record<string, unknown> {
  if (!isObject(params) || typeof params.sessionId !== 'string') {
    return false;
  }
  const update = params.update;
  return isObject(update) && typeof update.sessionUpdate === 'string';
}

/** A message on its way up, in the order the agent sent them: to the SDK, or a chunk Shepherd read. */
type Inbound = { readonly sdk: AnyMessage } | { readonly chunk: SessionNotification };

function excerptOf(value: unknown): string {
  return stringifyUntrusted(value).slice(0, EXCERPT_CHARS);
}

/**
 * The SDK's message stream over an agent worker's stdin and stdout. Framing is Shepherd's own
 * (the same bounded JSON-lines decoder as the other protocols), so a broken line, an oversize
 * message or a response to a request Shepherd never sent is dropped and reported, and the
 * connection goes on; the SDK's own framing would end the connection on an oversize message.
 *
 * Text chunks skip the SDK (acpTextChunks.ts) yet keep their place among the other messages: the SDK
 * handles what it is given in microtasks, so once it has been given a message, what follows waits
 * for the next turn of the event loop, when the SDK is done with it. Then a chunk right behind the
 * answer to `session/new` finds its session open, and one behind a permission request comes after it.
 */
export class AcpWorkerStream {
  readonly stream: Stream;
  private readonly lines = new JsonLineDecoder();
  /** Ids of Shepherd's requests still waiting for their answer. */
  private readonly outstanding = new Set<string | number>();
  private controller: ReadableStreamDefaultController<AnyMessage> | undefined;
  private ended = false;
  /** Messages waiting for the SDK to finish with one it was given in this turn of the event loop. */
  private readonly held: Inbound[] = [];
  private release: NodeJS.Immediate | undefined;

  constructor(
    private readonly write: (text: string) => boolean,
    private readonly listener: StreamListener,
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
        this.listener.problem(line.reason, line.excerpt);
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
        this.listener.problem(line.reason, line.excerpt);
      }
    }
    this.ended = true;
    if (this.release === undefined) {
      this.controller?.close();
    }
  }

  /** The connection is closed: nothing more goes up, held messages included. */
  dispose(): void {
    this.ended = true;
    clearImmediate(this.release);
    this.release = undefined;
    this.held.length = 0;
  }

  private send(message: AnyMessage): void {
    if ('method' in message && 'id' in message && message.id !== null) {
      this.outstanding.add(message.id);
    }
    if (!this.write(encodeJsonLine(message))) {
      throw new Error(l10n.t('the agent process is not running'));
    }
  }

  private receive(value: unknown): void {
    if (this.ended) {
      return;
    }
    if (!isMessage(value)) {
      this.listener.problem(l10n.t('not a JSON-RPC 2.0 message'), excerptOf(value));
      return;
    }
    if ('method' in value && value.method === 'session/update') {
      if (!isSessionUpdate(value.params)) {
        // The SDK would reject it too, but by writing to the console once per message: a flood of them
        // must cost a bounded notice, like any other broken line.
        this.listener.problem(l10n.t('a session/update without a known shape'), excerptOf(value));
        return;
      }
      const read = readTextChunk(value.params);
      if (read.kind === 'bad') {
        this.listener.problem(l10n.t('a text chunk with {0}', read.reasons.join(', ')), excerptOf(value));
        return;
      }
      if (read.kind === 'chunk') {
        this.pass({ chunk: read.notification });
        return;
      }
    }
    if (!('method' in value)) {
      if (value.id === null || !this.outstanding.delete(value.id)) {
        this.listener.problem(
          l10n.t('a response to a request Shepherd did not send (or answered twice)'),
          excerptOf(value),
        );
        return;
      }
    }
    this.pass({ sdk: value });
  }

  /** Hands a message up now, or holds it behind one the SDK has not finished with. */
  private pass(message: Inbound): void {
    if (this.release !== undefined) {
      this.held.push(message);
    } else if ('chunk' in message) {
      this.listener.update(message.chunk);
    } else {
      this.controller?.enqueue(message.sdk);
      this.release = setImmediate(() => this.releaseHeld());
    }
  }

  /** The SDK is done with what it was given: the held messages go up, up to the next one for the SDK. */
  private releaseHeld(): void {
    this.release = undefined;
    let next = this.held.shift();
    while (next !== undefined && this.release === undefined) {
      this.pass(next);
      next = this.release === undefined ? this.held.shift() : undefined;
    }
    if (this.release === undefined && this.ended) {
      this.controller?.close();
    }
  }
}
