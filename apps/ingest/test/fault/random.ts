import { randomInt } from 'node:crypto';

/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same draws, so a run's schedule (which
 * kills, when, how big each request is) is replayed by its seed. What the node does in between is real
 * timing and is not replayed — a seed reproduces the schedule that found a fault, Jepsen-style.
 */
export interface Random {
  /** The seed this source was made from. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [lo, hi] (both included). */
  int(lo: number, hi: number): number;
  /** One of `items` (not empty). */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy of `items`. */
  shuffle<T>(items: readonly T[]): T[];
  /**
   * An independent source for one part of the run (a producer, a configuration), derived from this seed and
   * `label` only: draws added in one part never shift another part's.
   */
  fork(label: string): Random;
}

/** The run's seed: `FAULT_SEED` when set (replays that run's schedule), else a fresh one. */
export function faultSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.FAULT_SEED;
  if (given === undefined || given.trim() === '') return randomInt(1, 2 ** 31);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`FAULT_SEED must be an integer, got '${given}'`);
  return seed;
}

/** A source seeded with `seed`. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const random: Random = {
    seed,
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    shuffle(items) {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
    fork: (label) => createRandom(hash(`${seed}/${label}`)),
  };
  return random;
}

/** FNV-1a of a string (32 bits). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
