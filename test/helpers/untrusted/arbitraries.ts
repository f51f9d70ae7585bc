import fc from 'fast-check';
import { isObject } from '../../../src/shared/untrusted';

/** Building blocks of hostile input, shared by the parser targets. */

/** Strings of any code units, lone surrogates, control characters and newlines included. */
export const anyText = fc.string({ unit: 'binary', maxLength: 40 });

/** A value of the wrong kind for almost any field. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, '', ' ', '\n', [], {}),
  anyText,
  fc.jsonValue({ maxDepth: 2 }),
);

/**
 * An object whose fields are mostly well formed, sometimes junk, sometimes absent, with the odd
 * unknown key: the input that reaches every branch of a field-by-field parser.
 */
export function shaped(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, good] of Object.entries(fields)) {
    model[key] = fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: junk });
  }
  return fc
    .tuple(fc.record(model, { requiredKeys: [] }), fc.dictionary(anyText, junk, { maxKeys: 1 }))
    .map(([known, extra]) =>
      Object.keys(extra).length > 0 && known.extra === undefined ? { ...extra, ...known } : known,
    );
}

/** Hostile input for an object parser: shaped objects most of the time, anything at all otherwise. */
export function hostile(shape: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: shape }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) });
}

/** Splits bytes at arbitrary points, as a pipe delivers them. */
export function chunked(bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Buffer[]> {
  return fc.tuple(bytes, fc.array(fc.nat(), { maxLength: 6 })).map(([all, cuts]) => {
    const points = [...new Set(cuts.map((cut) => (all.length === 0 ? 0 : cut % all.length)))].sort((a, b) => a - b);
    const chunks: Buffer[] = [];
    let start = 0;
    for (const point of [...points, all.length]) {
      chunks.push(Buffer.from(all.subarray(start, point)));
      start = point;
    }
    return chunks;
  });
}

/** A protocol stream: JSON lines of event-like objects mixed with junk lines and raw bytes. */
export function protocolStream(event: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  const line = fc.oneof(
    { weight: 6, arbitrary: event.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: anyText },
  );
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(line, { maxLength: 8 }).map((lines) => Buffer.from(lines.join('\n'))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  );
}

export const maybe = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arbitrary, { nil: undefined });

/** Shepherd's own output with one value replaced by junk here and there. */
export function tampered(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.array(fc.tuple(fc.nat(), junk), { maxLength: 2 })).map(([value, edits]) => {
    const copy: unknown = JSON.parse(JSON.stringify(value));
    for (const [choice, replacement] of edits) {
      const slots = objectsIn(copy);
      const slot = slots[choice % slots.length];
      const keys = slot ? Object.keys(slot) : [];
      if (slot && keys.length > 0) {
        slot[keys[choice % keys.length] ?? ''] = replacement;
      }
    }
    return copy;
  });
}

function objectsIn(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) {
    return value.flatMap(objectsIn);
  }
  if (isObject(value)) {
    return [value, ...Object.values(value).flatMap(objectsIn)];
  }
  return [];
}
