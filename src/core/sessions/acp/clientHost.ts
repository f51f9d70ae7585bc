import { promises as fs } from 'node:fs';
import type { AcpSignIns } from './acpSignIn';

/**
 * The editor's view of files, for the reads and writes an ACP agent asks its client for. The UI
 * implements it with open documents (unsaved edits included) and undoable WorkspaceEdits; the core
 * falls back to the disk. Paths reach it already checked against the session's folder.
 */
export interface WorkspaceFiles {
  /** The text of the document open in an editor, or undefined when no editor holds the file. */
  openDocumentText(file: string): string | undefined;
  /** Replaces the file's whole content. */
  write(file: string, content: string): Promise<void>;
}

/** What an ACP connection needs from its host beyond the supervisor. */
export interface AcpClientHost {
  readonly files: WorkspaceFiles;
  /** False in Restricted Mode: then no agent file request is served. */
  isTrusted(): boolean;
  /** The user's sign-ins to agents that ask for one (`authenticate`); none in plain Node. */
  readonly signIns?: AcpSignIns;
}

/** Files as they are on disk: for plain Node (tests, the bench) and before the UI is wired. */
export const DISK_FILES: WorkspaceFiles = {
  openDocumentText: () => undefined,
  write: (file, content) => fs.writeFile(file, content, 'utf8'),
};

export const DISK_HOST: AcpClientHost = { files: DISK_FILES, isTrusted: () => true };
