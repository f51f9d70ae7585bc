import * as l10n from '@vscode/l10n';
import { parseWorkerDefinition, slugify } from './definitionParser';
import { WorkerDefaults, WorkerDefinition } from './workerDefinition';

/** One line of a Procfile that could not be read. */
export interface ProcfileProblem {
  /** From 1, as editors count. */
  readonly line: number;
  readonly message: string;
}

export interface ProcfileContext {
  /** The Procfile's folder: every process runs there, as foreman and overmind run them. */
  readonly baseDir: string;
  readonly defaults: WorkerDefaults;
  /** Prepended to each process name to form worker ids, so two Procfiles cannot collide. */
  readonly idPrefix: string;
}

/** foreman's and overmind's syntax: a name of letters, digits, `_` or `-`, a colon, the command. */
const ENTRY = /^([A-Za-z0-9_-]+):(.*)$/;

/**
 * Reads a Procfile (`name: command` per line, `#` comments, blank lines). Each entry becomes a worker
 * that runs its line through the shell, since Procfile lines are shell command lines by definition,
 * and that does not start by itself: a Procfile in a repository is no request to run it on open.
 * A bad line is reported with its number and skipped; the good ones are returned.
 */
export function parseProcfile(
  text: string,
  context: ProcfileContext,
): { definitions: WorkerDefinition[]; problems: ProcfileProblem[] } {
  const definitions: WorkerDefinition[] = [];
  const problems: ProcfileProblem[] = [];
  const lineOfId = new Map<string, number>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.replace(/\r$/, '').trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      return;
    }
    const match = ENTRY.exec(trimmed);
    if (!match) {
      problems.push({
        line,
        message: l10n.t('expected "name: command", where the name has only letters, digits, "_" and "-"'),
      });
      return;
    }
    const [, name, rest] = match;
    const command = rest.trim();
    if (command === '') {
      problems.push({ line, message: l10n.t('"{0}" has no command', name) });
      return;
    }
    const id = `${context.idPrefix}${slugify(name)}`;
    const earlier = lineOfId.get(id);
    if (earlier !== undefined) {
      problems.push({ line, message: l10n.t('"{0}" repeats the process name on line {1}', name, earlier) });
      return;
    }
    const parsed = parseWorkerDefinition(
      { id, label: name, command, shell: true },
      { source: 'procfile', defaults: context.defaults, baseDir: context.baseDir },
    );
    if (!parsed.ok) {
      problems.push({ line, message: parsed.errors.join('; ') });
      return;
    }
    lineOfId.set(id, line);
    definitions.push(parsed.value);
  });
  return { definitions, problems };
}
