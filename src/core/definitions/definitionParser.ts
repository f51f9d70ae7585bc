import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import {
  compileHealthPattern,
  RESTART_MODES,
  RestartMode,
  RestartPolicy,
  WorkerDefaults,
  WorkerDefinition,
  WorkerSource,
} from './workerDefinition';
import { FieldReader, isObject, oneOf } from '../../shared/untrusted';

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: string[] };

/** The context a raw definition is read in. */
export interface DefinitionContext {
  readonly source: WorkerSource;
  readonly defaults: WorkerDefaults;
  /** Relative `cwd` values resolve against this folder (the workspace folder). */
  readonly baseDir: string;
}

/** Turns a label or command into an id: lower case, dashes, nothing a context key would choke on. */
export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'worker' : slug;
}

function restartMode(read: FieldReader, value: unknown, fallback: RestartMode): RestartMode {
  const mode = oneOf(RESTART_MODES, value);
  if (mode === undefined) {
    read.errors.push(l10n.t('"restart" mode must be one of {0}', RESTART_MODES.join(', ')));
  }
  return mode ?? fallback;
}

/** `restart`: a mode on its own, or an object with the mode and the limits. */
function readRestart(read: FieldReader, value: unknown, defaults: RestartPolicy): RestartPolicy {
  if (value === undefined) {
    return defaults;
  }
  if (typeof value === 'string') {
    return { ...defaults, mode: restartMode(read, value, defaults.mode) };
  }
  if (!isObject(value)) {
    read.errors.push(l10n.t('"restart" must be "never", "on-failure", "always" or an object'));
    return defaults;
  }
  const limits = read.nested(value);
  return {
    mode: value.mode === undefined ? defaults.mode : restartMode(read, value.mode, defaults.mode),
    maxRestarts: limits.integer('maxRestarts', 0, 1_000) ?? defaults.maxRestarts,
    windowMs: limits.integer('windowMs', 1, 86_400_000) ?? defaults.windowMs,
    backoffBaseMs: limits.integer('backoffBaseMs', 0, 3_600_000) ?? defaults.backoffBaseMs,
    backoffMaxMs: limits.integer('backoffMaxMs', 0, 3_600_000) ?? defaults.backoffMaxMs,
    minUptimeMs: limits.integer('minUptimeMs', 0, 86_400_000) ?? defaults.minUptimeMs,
  };
}

const KNOWN_KEYS = new Set([
  'id',
  'label',
  'command',
  'args',
  'cwd',
  'env',
  'shell',
  'restart',
  'graceMs',
  'healthPatterns',
  'outputBufferBytes',
  'maxRuntimeMs',
  'autoStart',
]);

function checkHealthPatterns(patterns: readonly string[], errors: string[]): void {
  for (const pattern of patterns) {
    try {
      compileHealthPattern(pattern);
    } catch (error) {
      errors.push(l10n.t('"healthPatterns" entry {0} is not a valid regular expression', JSON.stringify(pattern)));
    }
  }
}

/**
 * Reads one worker definition from untrusted JSON (a settings entry). Every problem is reported by
 * field name; nothing is thrown.
 */
export function parseWorkerDefinition(raw: unknown, context: DefinitionContext): ParseResult<WorkerDefinition> {
  if (!isObject(raw)) {
    return { ok: false, errors: [l10n.t('must be an object with at least a "command"')] };
  }
  const read = new FieldReader(raw);
  read.unknownKeys(KNOWN_KEYS);
  const command = read.requiredString('command');
  const label = read.string('label');
  const id = read.string('id');
  const cwd = read.string('cwd');
  const healthPatterns = read.strings('healthPatterns') ?? context.defaults.healthPatterns;
  checkHealthPatterns(healthPatterns, read.errors);
  const definition: WorkerDefinition = {
    id: id ?? slugify(label ?? command ?? ''),
    label: label ?? id ?? command ?? '',
    command: command ?? '',
    args: read.strings('args') ?? [],
    cwd: cwd === undefined ? context.baseDir : path.resolve(context.baseDir, cwd),
    env: read.stringRecord('env') ?? {},
    shell: read.boolean('shell') ?? false,
    restart: readRestart(read, raw.restart, context.defaults.restart),
    graceMs: read.integer('graceMs', 0, 600_000) ?? context.defaults.graceMs,
    healthPatterns,
    outputBufferBytes: read.integer('outputBufferBytes', 1_024, 1_073_741_824) ?? context.defaults.outputBufferBytes,
    maxRuntimeMs: read.integer('maxRuntimeMs', 1, 2_147_483_647),
    autoStart: read.boolean('autoStart') ?? false,
    source: context.source,
  };
  return read.errors.length > 0 ? { ok: false, errors: read.errors } : { ok: true, value: definition };
}

/** One entry of a list that could not be read, named so the user can find it. */
export interface DefinitionProblem {
  /** Position in the list, from 0. */
  readonly index: number;
  /** The entry's id, label or command when it has one, for the message. */
  readonly name: string | undefined;
  readonly errors: string[];
}

function nameOf(raw: unknown): string | undefined {
  if (!isObject(raw)) {
    return undefined;
  }
  const candidate = raw.id ?? raw.label ?? raw.command;
  return typeof candidate === 'string' ? candidate : undefined;
}

/**
 * Reads a list of definitions. Bad entries are reported and skipped; the good ones are returned, so
 * one typo never stops the other workers. A repeated id is an error on the later entry.
 */
export function parseWorkerList(
  raw: unknown,
  context: DefinitionContext,
): { definitions: WorkerDefinition[]; problems: DefinitionProblem[] } {
  if (raw === undefined || raw === null) {
    return { definitions: [], problems: [] };
  }
  if (!Array.isArray(raw)) {
    return {
      definitions: [],
      problems: [{ index: -1, name: undefined, errors: [l10n.t('must be an array of worker definitions')] }],
    };
  }
  const definitions: WorkerDefinition[] = [];
  const problems: DefinitionProblem[] = [];
  const seen = new Set<string>();
  raw.forEach((entry, index) => {
    const parsed = parseWorkerDefinition(entry, context);
    if (!parsed.ok) {
      problems.push({ index, name: nameOf(entry), errors: parsed.errors });
    } else if (seen.has(parsed.value.id)) {
      problems.push({
        index,
        name: parsed.value.id,
        errors: [l10n.t('the id "{0}" is used by an earlier entry', parsed.value.id)],
      });
    } else {
      seen.add(parsed.value.id);
      definitions.push(parsed.value);
    }
  });
  return { definitions, problems };
}
