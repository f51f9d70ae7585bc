import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeError } from '../../core/base/logger';
import { slugify } from '../../core/definitions/definitionParser';
import { parseProcfile } from '../../core/definitions/procfile';
import { WorkerDefaults, WorkerDefinition } from '../../core/definitions/workerDefinition';
import { errnoCode } from '../../shared/untrusted';

/** A Procfile is a handful of lines; a file this big is not one, and reading it whole would be costly. */
const PROCFILE_MAX_BYTES = 1024 * 1024;

export interface LoadedProcfile {
  readonly definitions: WorkerDefinition[];
  /** One message per bad line, naming the file and the line. */
  readonly problems: string[];
}

/**
 * Worker ids of a Procfile start with its folder's name, so the same Procfile always yields the same
 * ids (importing the auto-loaded one changes nothing) and Procfiles of two folders do not collide.
 */
export function procfileIdPrefix(procfile: vscode.Uri): string {
  return `procfile-${slugify(path.basename(path.dirname(procfile.fsPath)))}-`;
}

/**
 * Reads and parses a Procfile on disk. Resolves undefined when the file does not exist; a file that
 * exists but cannot be read is a problem, not an exception.
 */
export async function loadProcfile(
  procfile: vscode.Uri,
  defaults: WorkerDefaults,
): Promise<LoadedProcfile | undefined> {
  const shown = vscode.workspace.asRelativePath(procfile);
  if (procfile.scheme !== 'file') {
    return {
      definitions: [],
      problems: [vscode.l10n.t("{0}: only Procfiles on this machine's disk can be run", shown)],
    };
  }
  let text: string;
  try {
    // Checked first so a setting that names a device or a pipe cannot make the read hang.
    const stat = await fs.stat(procfile.fsPath);
    if (!stat.isFile() || stat.size > PROCFILE_MAX_BYTES) {
      return {
        definitions: [],
        problems: [
          vscode.l10n.t(
            '{0}: not a Procfile (not a regular file, or larger than {1} bytes)',
            shown,
            PROCFILE_MAX_BYTES,
          ),
        ],
      };
    }
    text = await fs.readFile(procfile.fsPath, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      return undefined;
    }
    return { definitions: [], problems: [vscode.l10n.t('{0}: cannot be read ({1})', shown, describeError(error))] };
  }
  const parsed = parseProcfile(text, {
    baseDir: path.dirname(procfile.fsPath),
    defaults,
    idPrefix: procfileIdPrefix(procfile),
  });
  return {
    definitions: parsed.definitions,
    problems: parsed.problems.map((problem) => `${shown}:${problem.line}: ${problem.message}`),
  };
}
