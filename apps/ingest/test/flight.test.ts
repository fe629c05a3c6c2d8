import * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import {
  Table as ArrowTable,
  CompressionType,
  Int32,
  Int64,
  Message,
  MessageHeader,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { BodyCompression, RecordBatch as RecordBatchHeader } from 'apache-arrow/ipc/metadata/message';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestNode } from '../src/server-node.js';
import { childNodeDir, startChildNode } from './support/child-node.js';
import { arrowMessages, flightClient, flightData, openDoPut } from './support/flight-client.js';
import { ORDERS, SECRET, testCatalog } from './support/test-catalog.js';
import { readTable, rows, startTestNode, tempDir } from './support/test-node.js';

let dir: string;
let cleanup: () => Promise<void>;
let node: IngestNode;
let cat: ReturnType<typeof testCatalog>;
let client: ReturnType<typeof flightClient>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  // The decompression test below names 16 × the request limit: 10 MiB, given here (the default is 10 MiB + 64 KiB).
  ({ node, cat } = await startTestNode(dir, { limits: { maxRequestBytes: 10 * 1024 * 1024 } }));
  client = flightClient(node.port);
});

afterEach(async () => {
  client.close();
  await node.close(500);
  await cleanup();
});

/** Orders `from`..`from+n-1` as an Arrow table of one batch (id int64, item utf8, qty int32). */
function orders(from: number, n: number): ArrowTable {
  const ids = Array.from({ length: n }, (_, i) => BigInt(from + i));
  return new ArrowTable({
    id: vectorFromArray(ids, new Int64()),
    item: vectorFromArray(
      ids.map((i) => `f${i}`),
      new Utf8(),
    ),
    qty: vectorFromArray(
      ids.map((i) => Number(i % 7n)),
      new Int32(),
    ),
  });
}

describe('Arrow Flight DoPut', () => {
  it('checks the schema, sends ready, acks each batch once durable, and publishes the rows', async () => {
    const s = openDoPut(client, cat.tokens.good.token, ORDERS);
    const { schema } = arrowMessages(orders(0, 1));
    s.send(flightData.schema(schema));
    expect(await s.acked(-1)).toEqual({ ack_up_to_offset: -1, ack_up_to_records: 0 });
    let total = 0;
    for (let b = 0; b < 3; b++) {
      const n = 10 + b;
      const { batches } = arrowMessages(orders(total, n));
      s.send(flightData.batch(batches[0]!, b));
      total += n;
    }
    const ack = await s.acked(2);
    expect(ack).toEqual({ ack_up_to_offset: 2, ack_up_to_records: total });
    expect((await s.finish()).code).toBe(status.OK);
    const offsets = s.acks.map((a) => a.ack_up_to_offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    await node.publishers.flushAll();
    const got = rows(await readTable(dir, 'tables/main/sales/orders'));
    expect(got.map((r) => r.id)).toEqual(Array.from({ length: total }, (_, i) => BigInt(i)));
    expect(got[4]).toEqual({ id: 4n, item: 'f4', qty: 4 });
  });
});

describe('Arrow Flight DoPut drain and admin listing', () => {
  it('is listed as a live stream; a drain sends close_stream_duration_ms on an ack, the client finishes OK', async () => {
    const s = openDoPut(client, cat.tokens.good.token, ORDERS);
    s.send(flightData.schema(arrowMessages(orders(0, 1)).schema));
    s.send(flightData.batch(arrowMessages(orders(0, 5)).batches[0]!, 0));
    await s.acked(0);
    const listed = node.live.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      table: ORDERS,
      principalId: 'svc-orders',
      records: 5,
      ackedOffset: 0n,
    });
    const draining = node.live.drain(2000);
    const deadline = Date.now() + 5000;
    while (s.last?.close_stream_duration_ms === undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(s.last).toEqual({ ack_up_to_offset: 0, ack_up_to_records: 5, close_stream_duration_ms: 2000 });
    expect((await s.finish()).code).toBe(status.OK);
    await draining;
  });
});

describe('Arrow Flight DoPut refusals (exact status and words)', () => {
  const schemaOf = (t: ArrowTable) => flightData.schema(arrowMessages(t).schema);

  it('a schema that does not fit the table: INVALID_ARGUMENT naming the field, before ready', async () => {
    const bad = new ArrowTable({
      id: vectorFromArray(['x'], new Utf8()),
      item: vectorFromArray(['y'], new Utf8()),
    });
    const s = openDoPut(client, cat.tokens.good.token, ORDERS);
    s.send(schemaOf(bad));
    const end = await s.ended;
    expect(end.code).toBe(status.INVALID_ARGUMENT);
    expect(end.details).toContain(`table ${ORDERS}`);
    expect(end.details).toContain('id');
    expect(s.acks).toEqual([]);
  });

  it('an offset gap and a repeated offset: INVALID_ARGUMENT, what was acked stays acked', async () => {
    for (const [second, words] of [
      [2, 'expected offset 1, got 2'],
      [0, 'expected offset 1, got 0'],
    ] as const) {
      const s = openDoPut(client, cat.tokens.good.token, ORDERS);
      s.send(schemaOf(orders(0, 1)));
      s.send(flightData.batch(arrowMessages(orders(0, 3)).batches[0]!, 0));
      await s.acked(0);
      s.send(flightData.batch(arrowMessages(orders(3, 3)).batches[0]!, second));
      const end = await s.ended;
      expect(end).toEqual({ code: status.INVALID_ARGUMENT, details: `table ${ORDERS}: ${words}` });
    }
  });

  it('app_metadata without offset_id: INVALID_ARGUMENT', async () => {
    const s = openDoPut(client, cat.tokens.good.token, ORDERS);
    s.send(schemaOf(orders(0, 1)));
    s.send(flightData.batch(arrowMessages(orders(0, 1)).batches[0]!, 0, '{"offset":0}'));
    const end = await s.ended;
    expect(end.code).toBe(status.INVALID_ARGUMENT);
    expect(end.details).toContain('offset_id is missing');
  });

  it('a bad token: UNAUTHENTICATED; no grant: PERMISSION_DENIED; unknown table: NOT_FOUND; no table: INVALID_ARGUMENT', async () => {
    const cases = [
      ['not-a-token', ORDERS, status.UNAUTHENTICATED],
      [undefined, ORDERS, status.UNAUTHENTICATED],
      [cat.tokens.revoked.token, ORDERS, status.UNAUTHENTICATED],
      [cat.tokens.good.token, SECRET, status.PERMISSION_DENIED],
      [cat.tokens.noGrant.token, ORDERS, status.PERMISSION_DENIED],
      [cat.tokens.good.token, 'main.sales.nope', status.NOT_FOUND],
      [cat.tokens.good.token, undefined, status.INVALID_ARGUMENT],
    ] as const;
    for (const [token, table, code] of cases) {
      const s = openDoPut(client, token, table);
      s.send(schemaOf(orders(0, 1)));
      const end = await s.ended;
      expect({ token, table, code: end.code }).toEqual({ token, table, code });
      expect(s.acks).toEqual([]);
    }
  });

  it('a garbage data_header, a batch as the first message, a garbage FlightData: INVALID_ARGUMENT', async () => {
    const garbage = openDoPut(client, cat.tokens.good.token, ORDERS);
    garbage.send({ data_header: Buffer.from('not a flatbuffer at all, really') });
    const g = await garbage.ended;
    expect(g.code).toBe(status.INVALID_ARGUMENT);
    expect(g.details).toContain('data_header');

    const batchFirst = openDoPut(client, cat.tokens.good.token, ORDERS);
    batchFirst.send(flightData.batch(arrowMessages(orders(0, 1)).batches[0]!, 0));
    const b = await batchFirst.ended;
    expect(b.code).toBe(status.INVALID_ARGUMENT);
    expect(b.details).toContain('must carry the Arrow schema');

    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${cat.tokens.good.token}`);
    md.set('x-databricks-zerobus-table-name', ORDERS);
    const raw = client.makeBidiStreamRequest(
      '/arrow.flight.protocol.FlightService/DoPut',
      (x: Uint8Array) => Buffer.from(x),
      (x: Buffer) => x,
      md,
    );
    const rawEnd = new Promise<grpc.StatusObject>((resolve) => raw.on('status', resolve));
    raw.on('error', () => undefined);
    raw.write(new Uint8Array([0x12, 0x7f, 0x01])); // data_header says 127 bytes, 1 follows
    const r = await rawEnd;
    expect(r.code).toBe(status.INVALID_ARGUMENT);
  });

  it('a batch flagged ZSTD whose buffers are not compressed: INVALID_ARGUMENT on arrival (item offsets read as an absurd length)', async () => {
    const s = openDoPut(client, cat.tokens.good.token, ORDERS);
    s.send(schemaOf(orders(0, 1)));
    const { header, body } = arrowMessages(orders(0, 2)).batches[0]!;
    s.send(flightData.batch({ header: withZstd(header), body }, 0));
    const end = await s.ended;
    expect(end).toEqual({
      code: status.INVALID_ARGUMENT,
      details: `table ${ORDERS}, offset 0: buffer 3 declares ${2 ** 33} uncompressed bytes, more than the ${16 * (10 * 1024 * 1024)} this node decompresses per batch; send smaller record batches (at most 16 × the node's request size limit uncompressed)`,
    });
  });
});

/** Re-encodes a RecordBatch message's flatbuffer with `compression: {codec: ZSTD}` (body left as is). */
function withZstd(header: Uint8Array): Uint8Array {
  const msg = Message.decode(header) as Message<MessageHeader.RecordBatch>;
  const rb = msg.header();
  const compressed = new RecordBatchHeader(
    rb.length,
    rb.nodes,
    rb.buffers,
    new BodyCompression(CompressionType.ZSTD),
  );
  return Message.encode(new Message(msg.bodyLength, msg.version, MessageHeader.RecordBatch, compressed));
}

describe('Arrow Flight DoPut crash safety', () => {
  it('acked Arrow rows survive a SIGKILL before publishing and are published exactly once', async () => {
    const { tokens, provisioning, dataDir, cleanup: clean } = await childNodeDir();
    try {
      // Publishing held off for 10 minutes: everything acked lives only in the WAL when the node dies.
      const child = await startChildNode(dataDir, provisioning, ['--flush-ms', '600000']);
      const c = flightClient(child.port);
      const s = openDoPut(c, tokens.good.token, ORDERS);
      s.send(flightData.schema(arrowMessages(orders(0, 1)).schema));
      for (let b = 0; b < 4; b++) s.send(flightData.batch(arrowMessages(orders(b * 25, 25)).batches[0]!, b));
      expect(await s.acked(3)).toEqual({ ack_up_to_offset: 3, ack_up_to_records: 100 });
      child.process.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
      c.close();
      for (let restart = 0; restart < 2; restart++) {
        const { node: n } = await startTestNode(dataDir, { cat: testCatalog(tokens) });
        const replayed = await n.recovery.done;
        expect(replayed.republished).toBe(restart === 0 ? 4 : 0);
        expect(replayed.alreadyPublished).toBe(restart === 0 ? 0 : 4);
        await n.close(200);
        const ids = rows(await readTable(dataDir, 'tables/main/sales/orders')).map((r) => r.id);
        expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)));
      }
    } finally {
      await clean();
    }
  }, 60_000);
});
