import { median } from './fanin/quantile.js';

/**
 * Times each of `runs` `rounds` times, interleaved (round r starts at the r-th run, so no run always goes
 * first on a noisy machine), after `warmups` untimed passes. Returns each run's times in seconds, by round.
 */
export function timeInterleaved(
  runs: Readonly<Record<string, () => void>>,
  rounds: number,
  warmups = 1,
): Map<string, number[]> {
  const names = Object.keys(runs);
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let warm = 0; warm < warmups; warm++) for (const n of names) runs[n]!();
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length]!;
      const start = process.hrtime.bigint();
      runs[name]!();
      times.get(name)!.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
  }
  return times;
}

/** Median over rounds of `over`'s time / `of`'s time: how many times faster `of` is. */
export function medianRatio(times: ReadonlyMap<string, readonly number[]>, of: string, over: string): number {
  const overTimes = times.get(over)!;
  return median(times.get(of)!.map((t, i) => overTimes[i]! / t));
}
