import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { readShared } from './support/shared-table.js';
import { ORDERS } from './support/test-catalog.js';
import { startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

const FLUSH_MS = 600;

describe('--flush-ms: one commit per interval', () => {
  it('records arriving while a commit is in flight wait for the next interval instead of a follow-up commit', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const { node, cat } = await startTestNode(dir, {
        flushMs: FLUSH_MS,
        // A slower table store: every commit takes 150 ms more, and records keep arriving meanwhile.
        beforeCommit: () => sleep(150),
      });
      let elapsedMs: number;
      let sent = 0;
      try {
        const client = zerobusClient(node.port);
        const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
        s.send(req.create(ORDERS, 2));
        await s.streamId();
        // One-record requests, one every 10 ms, for about four intervals.
        const start = performance.now();
        while (performance.now() - start < 4 * FLUSH_MS) {
          s.send(req.jsonRecord(sent, JSON.stringify({ id: sent, item: `item ${sent}` })));
          sent++;
          await sleep(10);
        }
        await s.ackedAtLeast(sent - 1);
        await s.finish();
        client.close();
        await node.publishers.flushAll();
        elapsedMs = performance.now() - start;
      } finally {
        await node.close(0);
      }
      const { ids, txns } = await readShared(`${dir}/tables/main/sales/orders`);
      expect(ids).toEqual(Array.from({ length: sent }, (_, i) => i));
      // One commit per interval that passed, plus the last flush (and one interval started early at most).
      const intervals = Math.floor(elapsedMs / FLUSH_MS);
      expect(txns.length, `${txns.length} commits in ${Math.round(elapsedMs)} ms`).toBeLessThanOrEqual(
        intervals + 2,
      );
      expect(txns.length).toBeGreaterThanOrEqual(2);
    } finally {
      await cleanup();
    }
  });

  it('records acked while a commit is in flight are published one interval after their ack, not right after it', async () => {
    const { dir, cleanup } = await tempDir();
    const flushMs = 1500;
    const commitStarts: number[] = [];
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      const { node, cat } = await startTestNode(dir, {
        flushMs,
        // The first commit is held until the test lets it go; it is in flight meanwhile.
        beforeCommit: async () => {
          commitStarts.push(performance.now());
          firstStarted();
          if (commitStarts.length === 1) await gate;
        },
      });
      try {
        const client = zerobusClient(node.port);
        const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
        s.send(req.create(ORDERS, 2));
        await s.streamId();
        const send = (id: number) => s.send(req.jsonRecord(id, JSON.stringify({ id, item: `item ${id}` })));
        for (const id of [0, 1, 2]) send(id);
        await s.ackedAtLeast(2);
        await started;
        for (const id of [3, 4, 5]) send(id);
        await s.ackedAtLeast(5);
        const ackedAt = performance.now();
        release();
        await vi.waitFor(() => expect(node.publishers.publishInfo()[0]?.unpublishedRecords).toBe(0), {
          timeout: 20_000,
          interval: 50,
        });
        await s.finish();
        client.close();
        // One more commit, for the three records, made once they were an interval old: not a follow-up at once.
        expect(commitStarts).toHaveLength(2);
        expect(commitStarts[1]! - ackedAt).toBeGreaterThanOrEqual(flushMs / 2);
      } finally {
        await node.close(0);
      }
      expect((await readShared(`${dir}/tables/main/sales/orders`)).ids).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await cleanup();
    }
  });
});
