import { loadZerobusSdk, type ZerobusSdkStream as SdkStream } from '@lakestream/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestNode } from '../src/server-node.js';
import { ORDERS, orderSchema, type testCatalog } from './support/test-catalog.js';
import { readTable, rows, startTestNode, tempDir } from './support/test-node.js';

const sdk = loadZerobusSdk();

let dir: string;
let cleanup: () => Promise<void>;
let node: IngestNode;
let cat: ReturnType<typeof testCatalog>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  ({ node, cat } = await startTestNode(dir));
});

afterEach(async () => {
  await node.close(500);
  await cleanup();
});

function open(port: number, recordType: number, descriptorProto?: Uint8Array): Promise<SdkStream> {
  const client = new sdk.ZerobusSdk(`http://127.0.0.1:${port}`, `http://127.0.0.1:${port}`);
  return client.createStream(
    {
      tableName: ORDERS,
      ...(descriptorProto === undefined
        ? {}
        : { descriptorProto: Buffer.from(descriptorProto).toString('base64') }),
    },
    'client-id',
    'client-secret',
    { recordType },
    {
      getHeadersCallback: () => [
        ['authorization', `Bearer ${cat.tokens.good.token}`],
        ['x-databricks-zerobus-table-name', ORDERS],
      ],
    },
  );
}

describe('the official Zerobus SDK (native binding 1.3.0)', () => {
  it('ingests JSON records and batches; waitForOffset, flush, close; the rows are in the Delta table', async () => {
    const stream = await open(node.port, sdk.RecordType.Json);
    let last = -1n;
    for (let i = 0; i < 100; i++)
      last = await stream.ingestRecordOffset(JSON.stringify({ id: i, item: `j${i}` }));
    const batch = Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: 100 + i, qty: i }));
    last = await stream.ingestRecordsOffset(batch);
    await stream.waitForOffset(last);
    await stream.flush();
    await stream.close();
    await node.publishers.flushAll();
    const got = rows(await readTable(dir, 'tables/main/sales/orders'));
    expect(got.map((r) => r.id)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i)));
    expect(got[5]).toEqual({ id: 5n, item: 'j5', qty: null });
    expect(got[150]).toEqual({ id: 150n, item: null, qty: 50 });
  });

  it('ingests protobuf records with the stream descriptor', async () => {
    const schema = orderSchema();
    const stream = await open(node.port, sdk.RecordType.Proto, schema.descriptorProto);
    const enc = (o: Record<string, unknown>) =>
      Buffer.from(schema.type.encode(schema.type.fromObject(o)).finish());
    let last = -1n;
    for (let i = 0; i < 50; i++)
      last = await stream.ingestRecordOffset(enc({ id: i, item: `p${i}`, qty: i }));
    last = await stream.ingestRecordsOffset(Array.from({ length: 50 }, (_, i) => enc({ id: 50 + i })));
    await stream.waitForOffset(last);
    await stream.close();
    await node.publishers.flushAll();
    const got = rows(await readTable(dir, 'tables/main/sales/orders'));
    expect(got.map((r) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)));
    expect(got[3]).toEqual({ id: 3n, item: 'p3', qty: 3 });
  });

  it.each([
    ['a graceful restart (close_stream_signal, last acks)', false],
    ['a forced stop (calls cut, unacked records re-sent)', true],
  ])('reconnects after %s on the same port and data dir (at-least-once)', async (_name, forced) => {
    const stream = await open(node.port, sdk.RecordType.Json);
    const send = async (from: number, to: number) => {
      let last = -1n;
      for (let i = from; i < to; i++) last = await stream.ingestRecordOffset(JSON.stringify({ id: i }));
      return last;
    };
    await stream.waitForOffset(await send(0, 50));
    const inFlight = send(50, 100);
    const port = node.port;
    if (forced) node.server.forceClose();
    await node.close(1000);
    ({ node } = await startTestNode(dir, { cat, port }));
    await inFlight;
    const last = await send(100, 150);
    await stream.waitForOffset(last);
    await stream.flush();
    await stream.close();
    await node.publishers.flushAll();
    const ids = rows(await readTable(dir, 'tables/main/sales/orders')).map((r) => Number(r.id));
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: 150 }, (_, i) => i)));
    expect(ids.length).toBeGreaterThanOrEqual(150);
  });
});
