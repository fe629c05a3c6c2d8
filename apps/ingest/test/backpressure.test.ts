import { describe, expect, it, vi } from 'vitest';
import { ORDERS } from './support/test-catalog.js';
import { readTable, startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

const MiB = 1024 * 1024;

describe('backpressure: a stalled publisher slows the producer, memory stays bounded', () => {
  it('stops reading at the node budget, holds acks, then catches up when publishing resumes', async () => {
    const { dir, cleanup } = await tempDir();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const nodeBufferBytes = 8 * MiB;
    const { node, cat } = await startTestNode(dir, {
      nodeBufferBytes,
      // The budget alone (backlog-bound.test.ts shows the bound that stops producers earlier).
      maxVisibleDelayMs: 0,
      limits: { streamInFlightBytes: 4 * MiB },
      flushBytes: 1 * MiB,
      // The disk (or the encoder) hangs: no commit completes until the gate opens.
      beforeCommit: () => gate,
    });
    const client = zerobusClient(node.port);
    try {
      const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
      s.send(req.create(ORDERS, 2));
      await s.streamId();
      const item = 'x'.repeat(2500);
      const requests = 256; // 256 × ~256 KiB = 64 MiB, eight times the node budget
      let sent = 0;
      let sentBytes = 0;
      const producer = (async () => {
        for (let o = 0; o < requests; o++) {
          const message = req.json(
            o,
            Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: o * 100 + i, item })),
          );
          // Honour flow control on the client side: wait until grpc-js took the message.
          await new Promise<void>((resolve) => s.call.write(message, () => resolve()));
          sent++;
          sentBytes += 100 * (item.length + 30);
        }
      })();
      const rssBefore = process.memoryUsage().rss;
      // Full once the node waits for budget and the appends in flight have settled (acks stop moving).
      await vi.waitFor(() => expect(node.pipeline.nodeBudget.waiting).toBe(1), {
        timeout: 60_000,
        interval: 20,
      });
      for (let last = -2n; s.acked !== last; ) {
        last = s.acked;
        await new Promise((r) => setTimeout(r, 500));
      }
      const ackedStalled = s.acked;
      const sentStalled = sent;
      await new Promise((r) => setTimeout(r, 1000));
      // Stalled: no more acks, no more reads, the node holds at most its budget.
      expect(s.acked).toBe(ackedStalled);
      expect(sent).toBeLessThan(requests);
      expect(sent - sentStalled).toBeLessThanOrEqual(1);
      expect(node.pipeline.nodeBudget.used).toBeLessThanOrEqual(nodeBufferBytes);
      expect(node.pipeline.nodeBudget.waiting).toBe(1);
      // What the producer got rid of: the node budget + the HTTP/2 windows (8 MiB stream) + a few requests.
      expect(sentBytes).toBeLessThan(nodeBufferBytes + 8 * MiB + 4 * MiB);
      const rssGrowth = process.memoryUsage().rss - rssBefore;
      expect(rssGrowth).toBeLessThan(128 * MiB);
      console.log(
        `backpressure: stalled at ${sent}/${requests} requests (${(sentBytes / MiB).toFixed(1)} MiB sent), acked ${ackedStalled}, node buffer ${(node.pipeline.nodeBudget.used / MiB).toFixed(1)} MiB, RSS +${(rssGrowth / MiB).toFixed(1)} MiB`,
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
