import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * The demo agent's one real write: appends `text` to the plain file `relative` inside `folder`
 * (created if missing). An agent must not touch anything outside its folder, so the path must stay
 * inside the folder's real path, and a symlink is refused rather than followed: in a worktree
 * session, a link could point back into the user's main tree. Resolves with the absolute path
 * written; rejects with a message naming the path and the reason.
 */
export async function appendInsideFolder(folder: string, relative: string, text: string): Promise<string> {
  const root = await fs.realpath(folder);
  const target = path.resolve(root, relative);
  const fromRoot = path.relative(root, target);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) {
    throw new Error(`${relative} is outside the agent's folder ${root}; the demo agent writes only inside it`);
  }
  const parent = await fs.realpath(path.dirname(target));
  if (parent !== root && !parent.startsWith(`${root}${path.sep}`)) {
    throw new Error(`${relative} leads outside the agent's folder ${root} through a symlinked folder`);
  }
  // O_NOFOLLOW: a symlink at the target makes open fail (ELOOP) instead of writing where it points.
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(target, flags, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new Error(`${relative} is a symlink; the demo agent writes only plain files inside ${root}`);
    }
    throw error;
  }
  try {
    await handle.write(text);
  } finally {
    await handle.close();
  }
  return target;
}
