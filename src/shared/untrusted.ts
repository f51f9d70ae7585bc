import * as l10n from '@vscode/l10n';

/**
 * The one kit for reading untrusted input: settings entries, the status file, stored transcripts,
 * agent config, protocol lines and webview messages. Values are narrowed by checking them, never by
 * casting, and a bad value becomes a message that names the field. It imports nothing, so the core,
 * the UI and the webview bundle all share this one copy.
 */

/** An object from untrusted input: any keys, any values, nothing assumed about either. */
export type UntrustedObject = Record<string, unknown>;

/** A plain object (not null, not an array) whose fields can be read. */
export function isObject(value: unknown): value is UntrustedObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** An object whose values are all strings, such as an environment. */
export function isStringRecord(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every((item) => typeof item === 'string');
}

/** The choice `value` is, or undefined: a string union narrowed without a cast. */
export function oneOf<T extends string>(choices: readonly T[], value: unknown): T | undefined {
  return choices.find((choice) => choice === value);
}

/** The `code` of a Node system error (`ENOENT`, `ESRCH`, …), or undefined for anything else thrown. */
export function errnoCode(error: unknown): string | undefined {
  return isObject(error) && typeof error.code === 'string' ? error.code : undefined;
}

export function stringField(value: UntrustedObject, key: string): string | undefined {
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

export function numberField(value: UntrustedObject, key: string): number | undefined {
  const field = value[key];
  return typeof field === 'number' && Number.isFinite(field) ? field : undefined;
}

export function objectField(value: UntrustedObject, key: string): UntrustedObject | undefined {
  const field = value[key];
  return isObject(field) ? field : undefined;
}

/** Longest quotation of an untrusted string in a message, so a message stays one readable line. */
const QUOTE_CHARS = 100;

/**
 * A short description of an untrusted value for an error message. Never throws: JSON.stringify would
 * on a BigInt, a cycle or a deeply nested array, and a message about bad input must not crash.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > QUOTE_CHARS ? `${value.slice(0, QUOTE_CHARS)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return Array.isArray(value) ? l10n.t('an array') : l10n.t('a value of type {0}', typeof value);
}

/**
 * Reads the fields of one untrusted object, collecting a message per bad field (`"args" must be an
 * array of strings`) instead of throwing, so every problem of an entry is reported at once. A field
 * that is absent reads as undefined and is no error unless `required` says so.
 */
export class FieldReader {
  /**
   * @param errors where messages go; a reader for a nested object passes its parent's list.
   * @param where prefixed to each message, naming the nested object (`entries[3]: `).
   */
  constructor(
    private readonly raw: UntrustedObject,
    readonly errors: string[] = [],
    private readonly where = '',
  ) {}

  /** A reader for a nested object that reports into the same list. */
  nested(raw: UntrustedObject, where = ''): FieldReader {
    return new FieldReader(raw, this.errors, where);
  }

  /** Adds a message naming the field; `problem` is the (localized) predicate, e.g. "must be a string". */
  fail(key: string, problem: string): void {
    this.errors.push(l10n.t('{0}"{1}" {2}', this.where, key, problem));
  }

  /** Reports each key that is absent; true when all are there. */
  required(...keys: string[]): boolean {
    const missing = keys.filter((key) => this.raw[key] === undefined);
    missing.forEach((key) => this.fail(key, l10n.t('is required')));
    return missing.length === 0;
  }

  /** Reports the keys that are not in `known`, in one message. */
  unknownKeys(known: ReadonlySet<string>): void {
    const unknown = Object.keys(this.raw).filter((key) => !known.has(key));
    if (unknown.length > 0) {
      const names = unknown.map((key) => describeValue(key)).join(', ');
      this.errors.push(
        unknown.length === 1
          ? l10n.t('{0}unknown property {1}', this.where, names)
          : l10n.t('{0}unknown properties {1}', this.where, names),
      );
    }
  }

  /** A string with something other than blanks in it. */
  string(key: string): string | undefined {
    return this.read(key, l10n.t('must be a non-empty string'), (value) =>
      typeof value === 'string' && value.trim() !== '' ? value : undefined,
    );
  }

  /** `string`, and absence is an error too. */
  requiredString(key: string): string | undefined {
    return this.required(key) ? this.string(key) : undefined;
  }

  /** Any string, the empty one included. */
  text(key: string): string | undefined {
    return this.read(key, l10n.t('must be a string'), (value) => (typeof value === 'string' ? value : undefined));
  }

  boolean(key: string): boolean | undefined {
    return this.read(key, l10n.t('must be true or false'), (value) => (typeof value === 'boolean' ? value : undefined));
  }

  /** A finite number. */
  number(key: string): number | undefined {
    return this.read(key, l10n.t('must be a number'), (value) =>
      typeof value === 'number' && Number.isFinite(value) ? value : undefined,
    );
  }

  /** A whole number within [min, max]. */
  integer(key: string, min: number, max: number): number | undefined {
    return this.read(key, l10n.t('must be a whole number from {0} to {1}', min, max), (value) =>
      typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined,
    );
  }

  strings(key: string): string[] | undefined {
    return this.read(key, l10n.t('must be an array of strings'), (value) => (isStringArray(value) ? value : undefined));
  }

  stringRecord(key: string): Record<string, string> | undefined {
    return this.read(key, l10n.t('must be an object whose values are strings'), (value) =>
      isStringRecord(value) ? value : undefined,
    );
  }

  oneOf<T extends string>(key: string, choices: readonly T[]): T | undefined {
    return this.read(key, l10n.t('must be one of {0}', choices.join(', ')), (value) => oneOf(choices, value));
  }

  /** The field converted by `accept`; when it is there but `accept` refuses it, `problem` is reported. */
  private read<T>(key: string, problem: string, accept: (value: unknown) => T | undefined): T | undefined {
    const value = this.raw[key];
    if (value === undefined) {
      return undefined;
    }
    const accepted = accept(value);
    if (accepted === undefined) {
      this.fail(key, problem);
    }
    return accepted;
  }
}
