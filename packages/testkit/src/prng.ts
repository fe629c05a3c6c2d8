/**
 * A small seeded PRNG (splitmix32): the same seed yields the same sequence on every run and machine, so
 * benchmarks always measure the same bytes. Not cryptographic.
 */
export interface Prng {
  /** Next unsigned 32-bit integer. */
  u32(): number;
  /** Uniform float in [0, 1). */
  float(): number;
  /** Uniform integer in [lo, hi] (both inclusive, |hi - lo| < 2^32). */
  int(lo: number, hi: number): number;
  /** Uniform float in [lo, hi). */
  range(lo: number, hi: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/** Creates a splitmix32 generator from a 32-bit seed. */
export function createPrng(seed: number): Prng {
  let state = seed | 0;
  const u32 = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const float = (): number => u32() / 4294967296;
  return {
    u32,
    float,
    int: (lo, hi) => lo + Math.floor(float() * (hi - lo + 1)),
    range: (lo, hi) => lo + float() * (hi - lo),
    chance: (p) => float() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(float() * items.length)] as T,
  };
}
