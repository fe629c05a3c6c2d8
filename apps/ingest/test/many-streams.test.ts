import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ORDERS } from './support/test-catalog.js';
import { startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

describe('many concurrent streams', () => {
  it('serves 64 streams without a listener-leak warning, and a forced stop ends every one', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    const { dir, cleanup } = await tempDir();
    const { node, cat } = await startTestNode(dir);
    const client = zerobusClient(node.port);
    try {
      const streams = Array.from({ length: 64 }, (_, k) => {
        const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
        s.send(req.create(ORDERS, 2));
        s.send(req.json(0, [JSON.stringify({ id: k })]));
        return s;
      });
      await Promise.all(streams.map((s) => s.ackedAtLeast(0)));
      expect(node.live.size).toBe(64);
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);

      // The forced stop reaches every call through the live-stream registry: each session ends (the client
      // sees its connection cut: CANCELLED or UNAVAILABLE) and leaves the registry.
      node.server.forceClose();
      const ends = await Promise.all(streams.map((s) => s.ended));
      for (const e of ends) expect([status.CANCELLED, status.UNAVAILABLE]).toContain(e.code);
      const deadline = Date.now() + 5000;
      while (node.live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(node.live.size).toBe(0);
    } finally {
      process.off('warning', onWarning);
      client.close();
      await node.close(500);
      await cleanup();
    }
  });
});
