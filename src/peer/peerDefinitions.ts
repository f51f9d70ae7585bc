import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseWorkerList } from '../core/definitions/definitionParser';
import { parseProcfile } from '../core/definitions/procfile';
import { DEFAULT_WORKER_DEFAULTS, WorkerDefinition } from '../core/definitions/workerDefinition';

export interface PeerDefinitions {
  readonly definitions: WorkerDefinition[];
  /** Every bad entry, by file and position; the good ones still run. */
  readonly problems: string[];
}

/** `shepherd.workers` entries, as a JSON array (or an object with a "shepherd.workers" key, as in settings.json). */
async function readWorkersFile(file: string, problems: string[]): Promise<WorkerDefinition[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
  const list =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? (raw as Record<string, unknown>)['shepherd.workers']
      : raw;
  const parsed = parseWorkerList(list, {
    source: 'settings',
    defaults: DEFAULT_WORKER_DEFAULTS,
    baseDir: path.dirname(path.resolve(file)),
  });
  for (const problem of parsed.problems) {
    const where =
      problem.index < 0 ? file : `${file}, entry ${problem.index + 1}${problem.name ? ` ("${problem.name}")` : ''}`;
    problems.push(`${where}: ${problem.errors.join('; ')}`);
  }
  return parsed.definitions;
}

async function readProcfile(file: string, problems: string[]): Promise<WorkerDefinition[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
  const parsed = parseProcfile(text, {
    baseDir: path.dirname(path.resolve(file)),
    defaults: DEFAULT_WORKER_DEFAULTS,
    idPrefix: '',
  });
  for (const problem of parsed.problems) {
    problems.push(`${file}, line ${problem.line}: ${problem.message}`);
  }
  return parsed.definitions;
}

/** The peer's workers: the workers file's, then the Procfile's; a Procfile id that repeats one is skipped. */
export async function loadPeerDefinitions(
  workersFile: string | undefined,
  procfile: string | undefined,
): Promise<PeerDefinitions> {
  const problems: string[] = [];
  const definitions = workersFile === undefined ? [] : await readWorkersFile(workersFile, problems);
  const ids = new Set(definitions.map((definition) => definition.id));
  for (const definition of procfile === undefined ? [] : await readProcfile(procfile, problems)) {
    if (ids.has(definition.id)) {
      problems.push(
        l10n.t(
          '{0}: "{1}" is already defined in {2}; the Procfile\'s is skipped',
          procfile ?? '',
          definition.id,
          workersFile ?? '',
        ),
      );
    } else {
      ids.add(definition.id);
      definitions.push(definition);
    }
  }
  return { definitions, problems };
}
