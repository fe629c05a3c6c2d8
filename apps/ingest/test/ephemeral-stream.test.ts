import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestNode } from '../src/server-node.js';
import type { testCatalog } from './support/test-catalog.js';
import { EVENTS, ORDERS, orderSchema } from './support/test-catalog.js';
import { readTable, rows, startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

let dir: string;
let cleanup: () => Promise<void>;
let node: IngestNode;
let cat: ReturnType<typeof testCatalog>;
let client: ReturnType<typeof zerobusClient>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  ({ node, cat } = await startTestNode(dir));
  client = zerobusClient(node.port);
});

afterEach(async () => {
  client.close();
  await node.close(500);
  await cleanup();
});

describe('EphemeralStream', () => {
  it('ingests JSON batches, acks cumulatively, and publishes them to the Delta table in order', async () => {
    const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    s.send(req.create(ORDERS, 2));
    expect(await s.streamId()).toMatch(/[0-9a-f-]{36}/);
    for (let o = 0; o < 20; o++) {
      s.send(
        req.json(o, [
          JSON.stringify({ id: o * 2, item: `a${o}` }),
          JSON.stringify({ id: o * 2 + 1, qty: o }),
        ]),
      );
    }
    await s.ackedAtLeast(19);
    expect((await s.finish()).code).toBe(0);
    await node.publishers.flushAll();
    const got = rows(await readTable(dir, 'tables/main/sales/orders'));
    expect(got.map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => BigInt(i)));
    expect(got[0]).toEqual({ id: 0n, item: 'a0', qty: null });
    expect(got[1]).toEqual({ id: 1n, item: null, qty: 0 });
  });

  it('ingests protobuf records, single (ingest_record) and batched', async () => {
    const schema = orderSchema();
    const enc = (o: Record<string, unknown>) => schema.type.encode(schema.type.fromObject(o)).finish();
    const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    s.send(req.create(ORDERS, 1, schema.descriptorProto));
    await s.streamId();
    s.send({
      ingest_record: { offset_id: '0', proto_encoded_record: Buffer.from(enc({ id: 7, item: 'x' })) },
    });
    s.send(req.proto(1, [enc({ id: 8, qty: 3 }), enc({ id: 9 })]));
    await s.ackedAtLeast(1);
    expect((await s.finish()).code).toBe(0);
    await node.publishers.flushAll();
    const got = rows(await readTable(dir, 'tables/main/sales/orders'));
    expect(got).toEqual([
      { id: 7n, item: 'x', qty: null },
      { id: 8n, item: null, qty: 3 },
      { id: 9n, item: null, qty: null },
    ]);
  });

  it('keeps order per stream with several concurrent streams on two tables', async () => {
    const streams = [0, 1, 2].map((k) => {
      const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, EVENTS);
      s.send(req.create(EVENTS, 2));
      return { k, s };
    });
    const orders = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
    orders.send(req.create(ORDERS, 2));
    for (let o = 0; o < 30; o++) {
      for (const { k, s } of streams) {
        s.send(
          req.json(o, [JSON.stringify({ stream: `s${k}`, seq: o, at: '2026-01-01T00:00:00Z', tags: ['a'] })]),
        );
      }
      orders.send(req.json(o, [JSON.stringify({ id: o })]));
    }
    await Promise.all([...streams.map(({ s }) => s.ackedAtLeast(29)), orders.ackedAtLeast(29)]);
    await Promise.all([...streams.map(({ s }) => s.finish()), orders.finish()]);
    await node.publishers.flushAll();
    const got = rows(await readTable(dir, 'tables/main/sales/events'));
    expect(got).toHaveLength(90);
    for (const k of [0, 1, 2]) {
      expect(got.filter((r) => r.stream === `s${k}`).map((r) => r.seq)).toEqual(
        Array.from({ length: 30 }, (_, i) => BigInt(i)),
      );
    }
    expect(rows(await readTable(dir, 'tables/main/sales/orders'))).toHaveLength(30);
  });
});
