import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import type { ReadTextFileRequest, ReadTextFileResponse, WriteTextFileRequest } from '@agentclientprotocol/sdk';
import { AcpClientHost } from './clientHost';
import { SandboxRefusal, WorkspaceSandbox } from './workspaceSandbox';

/**
 * A file larger than this is not text an agent should read whole through its client: it is refused
 * rather than loaded into the extension host.
 */
export const MAX_AGENT_FILE_BYTES = 16 * 1024 * 1024;

/** `line` is 1-based; `limit` counts lines from there. */
function sliceLines(text: string, line: number | null | undefined, limit: number | null | undefined): string {
  if ((line === null || line === undefined) && (limit === null || limit === undefined)) {
    return text;
  }
  const lines = text.split('\n');
  const start = Math.max(0, (line ?? 1) - 1);
  const end = limit === null || limit === undefined ? lines.length : start + Math.max(0, limit);
  return lines.slice(start, end).join('\n');
}

/**
 * Serves an ACP agent's `fs/read_text_file` and `fs/write_text_file` inside the session's folder:
 * reads see the editor's unsaved text, writes go through the editor (undoable) where the host can.
 * Anything refused throws a SandboxRefusal whose message the agent receives.
 */
export class AcpFiles {
  constructor(
    private readonly sandbox: WorkspaceSandbox,
    private readonly host: AcpClientHost,
  ) {}

  async read(request: ReadTextFileRequest): Promise<ReadTextFileResponse> {
    const file = await this.checked(request.path);
    const open = this.host.files.openDocumentText(file);
    const text = open ?? (await this.readDisk(file, request.path));
    return { content: sliceLines(text, request.line, request.limit) };
  }

  async write(request: WriteTextFileRequest): Promise<void> {
    const file = await this.checked(request.path);
    await this.host.files.write(file, request.content);
  }

  private async checked(requested: string): Promise<string> {
    if (!this.host.isTrusted()) {
      throw new SandboxRefusal(
        l10n.t('this workspace is in Restricted Mode: Shepherd reads and writes no files for agents'),
      );
    }
    return this.sandbox.resolve(requested);
  }

  private async readDisk(file: string, requested: string): Promise<string> {
    const stat = await fs.stat(file);
    if (!stat.isFile()) {
      throw new SandboxRefusal(l10n.t('"{0}" is not a file', requested));
    }
    if (stat.size > MAX_AGENT_FILE_BYTES) {
      throw new SandboxRefusal(l10n.t('"{0}" is larger than {1} bytes', requested, MAX_AGENT_FILE_BYTES));
    }
    return fs.readFile(file, 'utf8');
  }
}
