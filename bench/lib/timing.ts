/** Timing helpers the benchmarks share: milliseconds of one run, and the median of several. */

export function ms(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The median time of `runs` runs after one warm-up run. */
export function medianMs(run: () => void, runs = 7): number {
  run();
  return median(Array.from({ length: runs }, () => ms(run)));
}
