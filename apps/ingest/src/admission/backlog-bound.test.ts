import { describe, expect, it } from 'vitest';
import { BacklogBound } from './backlog-bound.js';
import { ByteBudget } from './byte-budget.js';

const MB = 1_000_000;

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

describe('BacklogBound: the backlog a node may hold is the wanted delay × the measured publish rate', () => {
  it('stays at its floor until a publish rate is measured, then follows it', () => {
    const c = clock();
    const bound = new BacklogBound({ maxVisibleDelayMs: 2000, floorBytes: 10 * MB, now: c.now });
    expect(bound.bytes).toBe(10 * MB);
    for (let s = 0; s < 30; s++) {
      bound.published(100 * MB);
      c.advance(1000);
    }
    // 100 MB/s published: 2 s of it.
    expect(bound.bytesPerSecond).toBeCloseTo(100 * MB, -5);
    expect(bound.bytes).toBeCloseTo(200 * MB, -6);
  });

  it('falls back to its floor when publishing stops (a stalled store)', () => {
    const c = clock();
    const bound = new BacklogBound({ maxVisibleDelayMs: 2000, floorBytes: 10 * MB, now: c.now });
    for (let s = 0; s < 10; s++) {
      bound.published(50 * MB);
      c.advance(1000);
    }
    expect(bound.bytes).toBeGreaterThan(50 * MB);
    c.advance(30_000);
    expect(bound.bytes).toBe(10 * MB);
  });

  it('holds a ByteBudget back below its capacity, and lets waiters in as publishing frees bytes', async () => {
    const c = clock();
    const bound = new BacklogBound({ maxVisibleDelayMs: 1000, floorBytes: 4 * MB, now: c.now });
    const budget = new ByteBudget(100 * MB, bound);
    expect(budget.limit).toBe(4 * MB);
    await budget.acquire(3 * MB);
    let admitted = false;
    const next = budget.acquire(2 * MB).then(() => {
      admitted = true;
    });
    await Promise.resolve();
    expect(admitted).toBe(false);
    expect(budget.waiting).toBe(1);
    bound.published(3 * MB);
    budget.release(3 * MB);
    await next;
    expect(admitted).toBe(true);
    expect(budget.used).toBe(2 * MB);
  });
});
