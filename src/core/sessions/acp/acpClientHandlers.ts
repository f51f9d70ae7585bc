import {
  client,
  ClientConnection,
  RequestError,
  type RequestPermissionRequest,
  type RequestPermissionResponse,
  type SessionNotification,
  type Stream,
} from '@agentclientprotocol/sdk';
import { describeError } from '../../base/logger';
import { AcpFiles } from './acpFiles';
import { AcpTerminals, UnknownTerminalError } from './acpTerminals';
import { SandboxRefusal } from './workspaceSandbox';

/** What Shepherd serves an ACP agent: its session updates, permission questions, files and terminals. */
export interface AcpClientHandlers {
  onUpdate(notification: SessionNotification): void;
  onPermission(request: RequestPermissionRequest, signal: AbortSignal): Promise<RequestPermissionResponse>;
  readonly files: AcpFiles;
  readonly terminals: AcpTerminals;
}

/**
 * Runs a request handler so that what went wrong reaches the agent in words: a refusal (a path outside
 * the folder, an unknown terminal) as invalid params, anything else as an internal error with its reason.
 * The SDK would answer a plain Error with a bare "Internal error".
 */
async function served<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RequestError) {
      throw error;
    }
    if (error instanceof SandboxRefusal || error instanceof UnknownTerminalError) {
      throw RequestError.invalidParams(undefined, error.message);
    }
    throw RequestError.internalError(undefined, describeError(error));
  }
}

/** The SDK's client side over `stream`, with Shepherd's handlers; other methods get "method not found". */
export function connectAcpClient(stream: Stream, handlers: AcpClientHandlers): ClientConnection {
  const { files, terminals } = handlers;
  return client({ name: 'shepherd' })
    .onNotification('session/update', ({ params }) => handlers.onUpdate(params))
    .onRequest('session/request_permission', ({ params, signal }) => handlers.onPermission(params, signal))
    .onRequest('fs/read_text_file', ({ params }) => served(() => files.read(params)))
    .onRequest('fs/write_text_file', ({ params }) => served(async () => (await files.write(params), {})))
    .onRequest('terminal/create', ({ params }) => served(() => terminals.create(params)))
    .onRequest('terminal/output', ({ params }) => served(async () => terminals.output(params.terminalId)))
    .onRequest('terminal/wait_for_exit', ({ params, signal }) =>
      served(() => terminals.waitForExit(params.terminalId, signal)),
    )
    .onRequest('terminal/kill', ({ params }) => served(async () => (await terminals.kill(params.terminalId), {})))
    .onRequest('terminal/release', ({ params }) => served(async () => (await terminals.release(params.terminalId), {})))
    .connect(stream);
}
