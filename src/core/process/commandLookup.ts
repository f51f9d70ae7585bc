import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { IS_WINDOWS } from './processGroup';

/** Where to look for a program: the `PATH` and, on Windows, the extensions that make a file runnable. */
export interface LookupEnv {
  readonly PATH?: string;
  readonly PATHEXT?: string;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) {
      return false;
    }
    // Windows has no execute bit: a file with a PATHEXT extension runs.
    await fs.access(file, IS_WINDOWS ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch (error) {
    // Missing or not executable both answer "not installed"; nothing else is worth telling the user here.
    void error;
    return false;
  }
}

function candidatesFor(base: string, env: LookupEnv): string[] {
  if (!IS_WINDOWS || path.extname(base) !== '') {
    return [base];
  }
  const extensions = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((ext) => ext !== '');
  return [base, ...extensions.map((ext) => base + ext)];
}

/**
 * Finds the program `spawn` would run for `command`, without running it: a path (absolute, or relative
 * to `cwd`) is checked as it is; a bare name is searched for on `PATH`, as the OS would. Resolves
 * with the file found, or undefined when there is none (the agent is "not installed").
 */
export async function findCommand(command: string, env: LookupEnv, cwd: string): Promise<string | undefined> {
  if (command === '') {
    return undefined;
  }
  const dirs =
    command.includes('/') || (IS_WINDOWS && command.includes('\\'))
      ? [cwd]
      : (env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    for (const candidate of candidatesFor(path.resolve(dir, command), env)) {
      if (await isExecutableFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}
