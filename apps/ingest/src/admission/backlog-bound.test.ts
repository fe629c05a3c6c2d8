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

  it('tells a failing store from a slow one: yields to the budget while publishes fail, applies once they succeed', async () => {
    const c = clock();
    const bound = new BacklogBound({ maxVisibleDelayMs: 2000, floorBytes: 4 * MB, now: c.now });
    const budget = new ByteBudget(100 * MB, bound);
    // Slow: commits land at 1 MB/s, so the bound (2 MB) sits at its floor.
    for (let s = 0; s < 10; s++) {
      bound.published(1 * MB);
      bound.committed('main.sales.orders');
      c.advance(1000);
    }
    expect(bound.storeFailing).toBe(false);
    expect(budget.limit).toBe(4 * MB);
    await budget.acquire(4 * MB);
    const next = budget.acquire(10 * MB);
    let admitted = false;
    void next.then(() => {
      admitted = true;
    });
    await Promise.resolve();
    expect(admitted).toBe(false);

    // Failing: an attempt errs. The bound yields to the budget at once, and the waiter gets in.
    bound.publishFailed('main.sales.orders');
    expect(bound.storeFailing).toBe(true);
    expect(budget.limit).toBe(100 * MB);
    budget.boundRaised();
    await next;
    expect(admitted).toBe(true);
    // Still failing between retries (the publishers back off up to 30 s), even with the rate decayed to 0.
    c.advance(30_000);
    bound.publishFailed('main.sales.orders');
    c.advance(30_000);
    expect(bound.bytesPerSecond).toBeLessThan(1000);
    expect(budget.limit).toBe(100 * MB);

    // Back: a commit lands, and the bound applies again (at its floor: the rate is near 0).
    bound.committed('main.sales.orders');
    expect(bound.storeFailing).toBe(false);
    expect(budget.limit).toBe(4 * MB);
  });

  it('applies while one table fails only until its failure is stale, and while another table still fails', () => {
    const c = clock();
    const bound = new BacklogBound({ maxVisibleDelayMs: 2000, floorBytes: 4 * MB, now: c.now });
    bound.publishFailed('a');
    bound.publishFailed('b');
    bound.committed('a');
    expect(bound.bytes).toBe(Number.POSITIVE_INFINITY);
    // No attempt of `b` for over a minute (longer than any backoff): not known to fail any more.
    c.advance(60_001);
    expect(bound.storeFailing).toBe(false);
    expect(bound.bytes).toBe(4 * MB);
  });
});
