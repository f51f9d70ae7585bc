/** A figure measured several times: the median is the figure, min and max show the spread. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every repetition, in the order measured, so a reader can pair them up again. */
  readonly values: readonly number[];
}

/** Rounds for display and JSON: three significant decimals are more than this machine's noise allows. */
export function round(value: number, decimals = 3): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error('median of no values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) {
    throw new Error('summary of no values');
  }
  return {
    median: round(median(values)),
    min: round(-maxOf(values.map((v) => -v))),
    max: round(maxOf(values)),
    values: values.map((v) => round(v)),
  };
}

/**
 * The ratio of two tools measured in the same run, pair by pair (rep i of one over rep i of the
 * other), then summarized. Pairing keeps a slow moment of the shared machine inside one ratio
 * instead of letting it skew one tool's median against the other's.
 */
export function pairwiseRatio(numerators: readonly number[], denominators: readonly number[]): Summary {
  if (numerators.length !== denominators.length) {
    throw new Error(`cannot pair ${numerators.length} repetitions with ${denominators.length}`);
  }
  return summarize(numerators.map((n, i) => n / denominators[i]));
}

/** Nearest-rank percentile of raw samples (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    throw new Error('percentile of no values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** The largest value, without spreading (a spread of a million samples overflows the call stack). */
export function maxOf(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error('max of no values');
  }
  let max = -Infinity;
  for (const value of values) {
    max = value > max ? value : max;
  }
  return max;
}
