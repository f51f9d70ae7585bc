import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Every process a test starts carries a marker in its environment (children inherit it), so the
 * test can prove afterwards, from /proc, that nothing it started outlived it.
 */
export const MARKER_VAR = 'SHEPHERD_TEST_MARKER';

/** A fresh marker value, unique to one test. */
export function newMarker(): string {
  return `shepherd-test-${randomUUID()}`;
}

/** Absolute path of a file in test/fixtures, from the compiled test in out/test/**. */
export function fixture(name: string): string {
  return path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', name);
}

async function readEnviron(pid: string): Promise<string | undefined> {
  try {
    return await fs.readFile(`/proc/${pid}/environ`, 'latin1');
  } catch (error) {
    // A process may exit between readdir and read, or belong to another user: neither is ours.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') {
      return undefined;
    }
    throw error;
  }
}

async function isZombie(pid: string): Promise<boolean> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return true;
    }
    throw error;
  }
}

/**
 * PIDs of live (non-zombie) processes whose environment carries `value` in `variable`. Zombies
 * are skipped: on this machine PID 1 does not reap orphans, so a killed grandchild stays a zombie.
 */
export async function findMarked(value: string, variable: string = MARKER_VAR): Promise<number[]> {
  const needle = `${variable}=${value}\0`;
  const found: number[] = [];
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) {
      continue;
    }
    const environ = await readEnviron(name);
    if (environ?.includes(needle) && !(await isZombie(name))) {
      found.push(Number(name));
    }
  }
  return found;
}

/** SIGKILLs whatever carries the marker: the cleanup of last resort, run even when a test failed. */
export async function killMarked(value: string, variable: string = MARKER_VAR): Promise<number[]> {
  const pids = await findMarked(value, variable);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
        throw error;
      }
    }
  }
  return pids;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
