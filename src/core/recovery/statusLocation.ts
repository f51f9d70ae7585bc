import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Where recovery files live. A window's workspace storage folder is keyed by the remote authority,
 * which changes with the port of a code-server, so a restarted editor never read what the previous
 * one wrote. The key here is the extension's global storage plus a hash of the workspace folder
 * paths: the same workspace finds the same folder after a new port, a new authority or a reload.
 */

/** The status folder holds process ids of the user's workers: only the user may enter it. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** Sub-folder of global storage holding one folder per workspace. */
export const RECOVERY_DIR = 'recovery';
/** Enough hex digits that two workspaces of one user never share a folder by accident. */
const KEY_LENGTH = 16;

/** The stable status folder for a workspace: `folders` in any order give the same one. */
export function stableStatusDir(globalStorageDir: string, folders: readonly string[]): string {
  const key = [...folders].map((folder) => path.resolve(folder)).sort();
  const hash = createHash('sha256').update(key.join('\n')).digest('hex').slice(0, KEY_LENGTH);
  return path.join(globalStorageDir, RECOVERY_DIR, key.length === 0 ? 'no-folder' : hash);
}

/** Creates the folder (and its parents) and makes it the user's alone, even if it existed with looser rights. */
export async function prepareStatusDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
  await fs.chmod(dir, DIR_MODE);
}

/**
 * Moves a status file from its old place (a window's workspace storage) to the new one, once: only
 * when the old one exists and the new one does not. Copy and delete rather than rename, because the
 * two may be on different file systems. Resolves true when something was moved.
 */
export async function migrateStatusFile(oldPath: string, newPath: string): Promise<boolean> {
  if (path.resolve(oldPath) === path.resolve(newPath)) {
    return false;
  }
  try {
    await fs.access(newPath);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  try {
    await fs.copyFile(oldPath, newPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return false;
    }
    throw error;
  }
  await fs.chmod(newPath, FILE_MODE);
  await fs.rm(oldPath, { force: true });
  return true;
}
