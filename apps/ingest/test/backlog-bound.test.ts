import { describe, expect, it, vi } from 'vitest';
import { ORDERS } from './support/test-catalog.js';
import { readTable, startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

const MiB = 1024 * 1024;

describe('backlog bound: --max-visible-delay-ms slows producers long before the node budget fills', () => {
  it('holds a stalled store to the bound’s floor (2 × --flush-bytes), acks stay durable, all is published once', async () => {
    const { dir, cleanup } = await tempDir();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const nodeBufferBytes = 256 * MiB;
    const flushBytes = 1 * MiB;
    const { node, cat } = await startTestNode(dir, {
      nodeBufferBytes,
      maxVisibleDelayMs: 2000,
      limits: { streamInFlightBytes: 4 * MiB },
      flushBytes,
      // The store hangs: no commit completes until the gate opens, so the measured publish rate is 0.
      beforeCommit: () => gate,
    });
    const client = zerobusClient(node.port);
    try {
      const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
      s.send(req.create(ORDERS, 2));
      await s.streamId();
      const item = 'x'.repeat(2500);
      // 160 × ~256 KiB = 40 MiB on the wire, ~120 MiB held (message, WAL copy, decoded): inside the node budget.
      const requests = 160;
      let sent = 0;
      const producer = (async () => {
        for (let o = 0; o < requests; o++) {
          const message = req.json(
            o,
            Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: o * 100 + i, item })),
          );
          await new Promise<void>((resolve) => s.call.write(message, () => resolve()));
          sent++;
        }
      })();
      // Without the bound every request fits the budget and nobody ever waits: this would time out.
      await vi.waitFor(() => expect(node.pipeline.nodeBudget.waiting).toBe(1), {
        timeout: 60_000,
        interval: 20,
      });
      // Held back, yet what was read is made durable and acked.
      await s.ackedAtLeast(0);
      for (let last = -2n; s.acked !== last; ) {
        last = s.acked;
        await new Promise((r) => setTimeout(r, 300));
      }
      const budget = node.pipeline.nodeBudget;
      expect(budget.limit).toBe(2 * flushBytes);
      // Held: the floor plus at most one request's estimate error (~0.5 MiB here), far below the budget.
      expect(budget.used).toBeLessThanOrEqual(2 * flushBytes + 1 * MiB);
      expect(sent).toBeLessThan(requests);
      console.log(
        `backlog bound: stalled at ${sent}/${requests} requests, acked ${s.acked}, held ${(budget.used / MiB).toFixed(1)} MiB of a ${nodeBufferBytes / MiB} MiB budget`,
      );

      release();
      await producer;
      await s.ackedAtLeast(requests - 1);
      expect((await s.finish()).code).toBe(0);
      await node.publishers.flushAll();
      expect((await readTable(dir, 'tables/main/sales/orders')).numRows).toBe(requests * 100);
    } finally {
      release();
      client.close();
      await node.close(500);
      await cleanup();
    }
  });
});
