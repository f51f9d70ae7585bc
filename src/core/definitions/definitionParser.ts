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

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: string[] };

/** The context a raw definition is read in. */
export interface DefinitionContext {
  readonly source: WorkerSource;
  readonly defaults: WorkerDefaults;
  /** Relative `cwd` values resolve against this folder (the workspace folder). */
  readonly baseDir: string;
}

type RawObject = Record<string, unknown>;

function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Turns a label or command into an id: lower case, dashes, nothing a context key would choke on. */
export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'worker' : slug;
}

/** Collects field errors while reading one raw object. */
class FieldReader {
  readonly errors: string[] = [];

  constructor(private readonly raw: RawObject) {}

  string(key: string): string | undefined {
    const value = this.raw[key];
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.errors.push(`"${key}" must be a non-empty string`);
      return undefined;
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.raw[key];
    if (value === undefined || typeof value === 'boolean') {
      return value;
    }
    this.errors.push(`"${key}" must be true or false`);
    return undefined;
  }

  /** A whole number within [min, max]. */
  integer(key: string, min: number, max: number, from: RawObject = this.raw): number | undefined {
    const value = from[key];
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.errors.push(`"${key}" must be a whole number from ${min} to ${max}`);
      return undefined;
    }
    return value;
  }

  strings(key: string): string[] | undefined {
    const value = this.raw[key];
    if (value === undefined) {
      return undefined;
    }
    if (!isStringArray(value)) {
      this.errors.push(`"${key}" must be an array of strings`);
      return undefined;
    }
    return value;
  }

  env(key: string): Record<string, string> | undefined {
    const value = this.raw[key];
    if (value === undefined) {
      return undefined;
    }
    if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
      this.errors.push(`"${key}" must be an object whose values are strings`);
      return undefined;
    }
    return value as Record<string, string>;
  }

  restart(key: string, defaults: RestartPolicy): RestartPolicy {
    const value = this.raw[key];
    if (value === undefined) {
      return defaults;
    }
    if (typeof value === 'string') {
      return { ...defaults, mode: this.restartMode(value, defaults.mode) };
    }
    if (!isObject(value)) {
      this.errors.push(`"${key}" must be "never", "on-failure", "always" or an object`);
      return defaults;
    }
    const mode = value.mode === undefined ? defaults.mode : this.restartMode(value.mode, defaults.mode);
    return {
      mode,
      maxRestarts: this.integer('maxRestarts', 0, 1_000, value) ?? defaults.maxRestarts,
      windowMs: this.integer('windowMs', 1, 86_400_000, value) ?? defaults.windowMs,
      backoffBaseMs: this.integer('backoffBaseMs', 0, 3_600_000, value) ?? defaults.backoffBaseMs,
      backoffMaxMs: this.integer('backoffMaxMs', 0, 3_600_000, value) ?? defaults.backoffMaxMs,
      minUptimeMs: this.integer('minUptimeMs', 0, 86_400_000, value) ?? defaults.minUptimeMs,
    };
  }

  private restartMode(value: unknown, fallback: RestartMode): RestartMode {
    if (typeof value === 'string' && (RESTART_MODES as readonly string[]).includes(value)) {
      return value as RestartMode;
    }
    this.errors.push(`"restart" mode must be one of ${RESTART_MODES.join(', ')}`);
    return fallback;
  }
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
      errors.push(`"healthPatterns" entry ${JSON.stringify(pattern)} is not a valid regular expression`);
    }
  }
}

/**
 * Reads one worker definition from untrusted JSON (a settings entry). Every problem is reported by
 * field name; nothing is thrown.
 */
export function parseWorkerDefinition(raw: unknown, context: DefinitionContext): ParseResult<WorkerDefinition> {
  if (!isObject(raw)) {
    return { ok: false, errors: ['must be an object with at least a "command"'] };
  }
  const read = new FieldReader(raw);
  const unknownKeys = Object.keys(raw).filter((key) => !KNOWN_KEYS.has(key));
  if (unknownKeys.length > 0) {
    read.errors.push(
      `unknown ${unknownKeys.length === 1 ? 'property' : 'properties'} ${unknownKeys.map((k) => `"${k}"`).join(', ')}`,
    );
  }
  const command = read.string('command');
  if (raw.command === undefined) {
    read.errors.push('"command" is required');
  }
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
    env: read.env('env') ?? {},
    shell: read.boolean('shell') ?? false,
    restart: read.restart('restart', context.defaults.restart),
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
      problems: [{ index: -1, name: undefined, errors: ['must be an array of worker definitions'] }],
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
        errors: [`the id "${parsed.value.id}" is used by an earlier entry`],
      });
    } else {
      seen.add(parsed.value.id);
      definitions.push(parsed.value);
    }
  });
  return { definitions, problems };
}
