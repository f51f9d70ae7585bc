import * as assert from 'node:assert/strict';
import fc from 'fast-check';

/**
 * A parser of untrusted input as a property-test target: hostile inputs, biased towards the shapes
 * the parser expects so that its deep paths are reached, and the checks every answer must pass.
 * The unit properties run each one 1,000 times; `npm run fuzz` runs them 100,000 times.
 */

/** Cases per parser in the unit run: enough to reach every field of every shape, cheap on 2 cores. */
export const UNIT_RUNS = 1_000;

/** One generated case: `run` calls the parser and returns the check of its answer, timed apart. */
export interface ParserCase {
  readonly input: unknown;
  readonly run: () => () => void;
}

export interface ParserTarget {
  readonly name: string;
  readonly cases: fc.Arbitrary<ParserCase>;
}

export function target<I, O>(
  name: string,
  inputs: fc.Arbitrary<I>,
  parse: (input: I) => O,
  check: (input: I, output: O) => void,
): ParserTarget {
  return {
    name,
    cases: inputs.map((input) => ({
      input,
      run: () => {
        const output = parse(input);
        return () => check(input, output);
      },
    })),
  };
}

/** Error messages are short lines: they go to a log and a notification. */
export function checkMessage(message: string, max = 400): void {
  assert.ok(message.length > 0 && message.length <= max, `a message of ${message.length} characters: ${message}`);
  assert.ok(!message.includes('\n'), `a message over several lines: ${message}`);
}

/** The invariants of one target, checked on `numRuns` generated cases. */
export function assertInvariants(parser: ParserTarget, numRuns = UNIT_RUNS): void {
  fc.assert(
    fc.property(parser.cases, (one) => one.run()()),
    { numRuns },
  );
}
