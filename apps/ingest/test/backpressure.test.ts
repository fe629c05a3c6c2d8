import { describe, expect, it, vi } from 'vitest';
import type { IngestNodeOptions } from '../src/server-node.js';
import { ORDERS } from './support/test-catalog.js';
import { readTable, startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

const MiB = 1024 * 1024;
/** JSON requests of 100 records of ~2.5 KB: ~256 KiB on the wire each. */
const RECORDS_PER_REQUEST = 100;
const ITEM = 'x'.repeat(2500);

/**
 * Starts a node whose store hangs (no commit completes until `release`), and one producer sending `requests`
 * JSON requests as fast as grpc-js takes them. `stalled()` resolves once the node waits for budget and the
 * acks have stopped moving; `finish()` releases the store and checks every row landed once.
 */
async function stalledNode(requests: number, options: Partial<IngestNodeOptions>) {
  const { dir, cleanup } = await tempDir();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const { node, cat } = await startTestNode(dir, {
    limits: { streamInFlightBytes: 4 * MiB },
    flushBytes: 1 * MiB,
    ...options,
    beforeCommit: () => gate,
  });
  const client = zerobusClient(node.port);
  const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
  s.send(req.create(ORDERS, 2));
  await s.streamId();
  const progress = { sent: 0, sentBytes: 0 };
  const producer = (async () => {
    for (let o = 0; o < requests; o++) {
      const message = req.json(
        o,
        Array.from({ length: RECORDS_PER_REQUEST }, (_, i) =>
          JSON.stringify({ id: o * RECORDS_PER_REQUEST + i, item: ITEM }),
        ),
      );
      // Honour flow control on the client side: wait until grpc-js took the message.
      await new Promise<void>((resolve) => s.call.write(message, () => resolve()));
      progress.sent++;
      progress.sentBytes += RECORDS_PER_REQUEST * (ITEM.length + 30);
    }
  })();
  return {
    node,
    s,
    progress,
    async stalled(): Promise<void> {
      await vi.waitFor(() => expect(node.pipeline.nodeBudget.waiting).toBe(1), {
        timeout: 60_000,
        interval: 20,
      });
      // Held back, yet what was read is made durable and acked.
      await s.ackedAtLeast(0);
      for (let last = -2n; s.acked !== last; ) {
        last = s.acked;
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    async finish(): Promise<void> {
      release();
      await producer;
      await s.ackedAtLeast(requests - 1);
      expect((await s.finish()).code).toBe(0);
      await node.publishers.flushAll();
      expect((await readTable(dir, 'tables/main/sales/orders')).numRows).toBe(requests * RECORDS_PER_REQUEST);
    },
    async close(): Promise<void> {
      release();
      client.close();
      await node.close(500);
      await cleanup();
    },
  };
}

describe('backpressure: a stalled publisher slows the producer, memory stays bounded', () => {
  it('stops reading at the node budget, holds acks, then catches up when publishing resumes', async () => {
    const nodeBufferBytes = 8 * MiB;
    const requests = 256; // 256 × ~256 KiB = 64 MiB, eight times the node budget
    // The budget alone (the next test shows the bound that stops producers earlier).
    const t = await stalledNode(requests, { nodeBufferBytes, maxVisibleDelayMs: 0 });
    try {
      const rssBefore = process.memoryUsage().rss;
      await t.stalled();
      const ackedStalled = t.s.acked;
      const sentStalled = t.progress.sent;
      await new Promise((r) => setTimeout(r, 1000));
      // Stalled: no more acks, no more reads, the node holds at most its budget.
      expect(t.s.acked).toBe(ackedStalled);
      expect(t.progress.sent).toBeLessThan(requests);
      expect(t.progress.sent - sentStalled).toBeLessThanOrEqual(1);
      expect(t.node.pipeline.nodeBudget.used).toBeLessThanOrEqual(nodeBufferBytes);
      expect(t.node.pipeline.nodeBudget.waiting).toBe(1);
      // What the producer got rid of: the node budget + the HTTP/2 windows (8 MiB stream) + a few requests.
      expect(t.progress.sentBytes).toBeLessThan(nodeBufferBytes + 8 * MiB + 4 * MiB);
      const rssGrowth = process.memoryUsage().rss - rssBefore;
      expect(rssGrowth).toBeLessThan(128 * MiB);
      console.log(
        `backpressure: stalled at ${t.progress.sent}/${requests} requests (${(t.progress.sentBytes / MiB).toFixed(1)} MiB sent), acked ${ackedStalled}, node buffer ${(t.node.pipeline.nodeBudget.used / MiB).toFixed(1)} MiB, RSS +${(rssGrowth / MiB).toFixed(1)} MiB`,
      );
      await t.finish();
    } finally {
      await t.close();
    }
  });

  it('with --max-visible-delay-ms, stops a stalled store at the bound’s floor (2 × --flush-bytes), long before the budget', async () => {
    const nodeBufferBytes = 256 * MiB;
    // 160 × ~256 KiB = 40 MiB on the wire, ~120 MiB held (message, WAL copy, decoded): inside the node budget,
    // so without the bound nobody would ever wait and `stalled()` would time out.
    const requests = 160;
    const t = await stalledNode(requests, { nodeBufferBytes, maxVisibleDelayMs: 2000 });
    try {
      await t.stalled();
      const budget = t.node.pipeline.nodeBudget;
      // The store published nothing: the measured rate is 0 and the bound sits at its floor.
      expect(budget.limit).toBe(2 * MiB);
      // Held: the floor plus at most one request's estimate error (~0.5 MiB here), far below the budget.
      expect(budget.used).toBeLessThanOrEqual(3 * MiB);
      expect(t.progress.sent).toBeLessThan(requests);
      console.log(
        `backlog bound: stalled at ${t.progress.sent}/${requests} requests, acked ${t.s.acked}, held ${(budget.used / MiB).toFixed(1)} MiB of a ${nodeBufferBytes / MiB} MiB budget`,
      );
      await t.finish();
    } finally {
      await t.close();
    }
  });
});
