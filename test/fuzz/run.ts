/**
 * `npm run fuzz`: every parser of untrusted input on 100,000 generated cases each (the unit run
 * uses 1,000). Prints {parser: {cases, crashes, slowestMs}} as JSON on stdout and exits non-zero
 * if any case crashed: the parser threw, or its answer broke one of the properties its target
 * checks. The seed and the first crashing inputs go to stderr, so a crash can be replayed with
 * FUZZ_SEED. `--runs N` runs fewer (or more) cases; `--only <name>` one parser.
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { describeError } from '../../src/core/base/logger';
import { PARSER_TARGETS } from '../helpers/untrusted/allTargets';
import { ParserTarget } from '../helpers/untrusted/parserTarget';

const DEFAULT_RUNS = 100_000;
/** Crashing inputs shown per parser: enough to see a pattern, few enough to read. */
const SHOWN_CRASHES = 3;

interface FuzzResult {
  readonly cases: number;
  readonly crashes: number;
  readonly slowestMs: number;
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function fuzz(parser: ParserTarget, runs: number, seed: number): FuzzResult {
  let cases = 0;
  let crashes = 0;
  let slowestMs = 0;
  fc.check(
    fc.property(parser.cases, (one) => {
      cases += 1;
      try {
        const started = performance.now();
        const check = one.run();
        slowestMs = Math.max(slowestMs, performance.now() - started);
        check();
      } catch (error) {
        crashes += 1;
        if (crashes <= SHOWN_CRASHES) {
          process.stderr.write(`${parser.name}: ${describeError(error)}\n  input: ${fc.stringify(one.input)}\n`);
        }
      }
      // Every case is counted and the run goes on: a crash is reported above, not shrunk.
      return true;
    }),
    { numRuns: runs, seed },
  );
  return { cases, crashes, slowestMs: Math.round(slowestMs * 100) / 100 };
}

function main(): void {
  const runs = Number(option('--runs') ?? DEFAULT_RUNS);
  const only = option('--only');
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  process.stderr.write(`fuzz: ${runs} cases per parser, seed ${seed} (FUZZ_SEED=${seed} replays it)\n`);
  const results: Record<string, FuzzResult> = {};
  for (const parser of PARSER_TARGETS.filter((t) => only === undefined || t.name === only)) {
    results[parser.name] = fuzz(parser, runs, seed);
    process.stderr.write(`  ${parser.name}: ${JSON.stringify(results[parser.name])}\n`);
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  process.exitCode = Object.values(results).some((result) => result.crashes > 0) ? 1 : 0;
}

main();
