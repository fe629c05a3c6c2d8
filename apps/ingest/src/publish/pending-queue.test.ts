import { describe, expect, it } from 'vitest';
import { PendingQueue } from './pending-queue.js';

const item = (position: number) => ({ position: BigInt(position) });

describe('PendingQueue', () => {
  it('keeps the lowest position while items come out of order, and takes them in position order', () => {
    const q = new PendingQueue<{ position: bigint }>();
    expect(q.lowest()).toBeUndefined();
    // Live entries first, then a recovery's backlog entries behind them.
    for (const p of [10, 11, 12, 5, 13, 3, 4]) q.push(item(p));
    expect(q.lowest()).toBe(3n);
    expect(q.take(2).map((i) => i.position)).toEqual([3n, 4n]);
    expect(q.lowest()).toBe(5n);
    q.push(item(7));
    q.push(item(20));
    expect(q.lowest()).toBe(5n);
    q.push(item(1));
    expect(q.lowest()).toBe(1n);
    expect(q.take(q.length).map((i) => Number(i.position))).toEqual([1, 5, 7, 10, 11, 12, 13, 20]);
    expect(q.lowest()).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it('compacts after many takes without losing order', () => {
    const q = new PendingQueue<{ position: bigint }>();
    for (let p = 0; p < 5000; p++) q.push(item(p));
    const seen: number[] = [];
    while (q.length > 0) for (const i of q.take(7)) seen.push(Number(i.position));
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, p) => p));
  });
});
