import { createServer, type Server } from 'node:http';
import { loadZerobusSdk, type ZerobusSdkArrowStream as SdkArrowStream } from '@lakestream/testkit';
import {
  Field,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestNode } from '../src/server-node.js';
import { ORDERS, type testCatalog } from './support/test-catalog.js';
import { readTable, rows, startTestNode, tempDir } from './support/test-node.js';

const sdk = loadZerobusSdk();

let dir: string;
let cleanup: () => Promise<void>;
let node: IngestNode;
let cat: ReturnType<typeof testCatalog>;
/** A stand-in workspace: `/oidc/v1/token` answers the producer token as the OAuth access token. */
let oidc: Server;
let oidcPort: number;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  ({ node, cat } = await startTestNode(dir));
  oidc = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ access_token: cat.tokens.good.token, token_type: 'Bearer', expires_in: 3600 }),
      );
    });
  });
  await new Promise<void>((resolve) => oidc.listen(0, '127.0.0.1', resolve));
  oidcPort = (oidc.address() as { port: number }).port;
});

afterEach(async () => {
  await new Promise((resolve) => oidc.close(resolve));
  await node.close(500);
  await cleanup();
});

const SCHEMA = new Schema([
  new Field('id', new Int64(), false),
  new Field('item', new Utf8(), true),
  new Field('qty', new Int32(), true),
]);

/** One IPC stream (schema + one batch) of orders `from`..`from+n-1`, as `ingestBatch` takes it. */
function batch(from: number, n: number): Buffer {
  const ids = Array.from({ length: n }, (_, i) => BigInt(from + i));
  const t = new Table({
    id: vectorFromArray(ids, new Int64()),
    item: vectorFromArray(
      ids.map((i) => `s${i}`),
      new Utf8(),
    ),
    qty: vectorFromArray(
      ids.map((i) => Number(i % 5n)),
      new Int32(),
    ),
  });
  return Buffer.from(tableToIPC(new Table(new RecordBatch(SCHEMA, t.batches[0]!.data)), 'stream'));
}

function open(options: Record<string, unknown>): Promise<SdkArrowStream> {
  const client = new sdk.ZerobusSdk(`http://127.0.0.1:${node.port}`, `http://127.0.0.1:${oidcPort}`);
  return client.createArrowStream(
    {
      tableName: ORDERS,
      schemaFields: [
        { name: 'id', dataType: sdk.ArrowDataType.Int64, nullable: false },
        { name: 'item', dataType: sdk.ArrowDataType.Utf8, nullable: true },
        { name: 'qty', dataType: sdk.ArrowDataType.Int32, nullable: true },
      ],
    },
    'client-id',
    'client-secret',
    options,
  );
}

describe('the official SDK Arrow stream (native binding 1.3.0, Flight DoPut)', () => {
  it('ingests uncompressed batches; waitForOffset, flush, close; the rows are in the Delta table', async () => {
    const stream = await open({});
    let last = -1n;
    for (let b = 0; b < 5; b++) last = await stream.ingestBatch(batch(b * 20, 20));
    expect(last).toBe(4n);
    await stream.waitForOffset(last);
    await stream.flush();
    await stream.close();
    await node.publishers.flushAll();
    const got = rows(await readTable(dir, 'tables/main/sales/orders'));
    expect(got.map((r) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)));
    expect(got[7]).toEqual({ id: 7n, item: 's7', qty: 2 });
  });

  it('a ZSTD-compressed batch is refused (final INVALID_ARGUMENT), nothing lands', async () => {
    const stream = await open({ ipcCompression: sdk.IpcCompressionType.Zstd, recovery: false });
    const sent = stream.ingestBatch(batch(0, 3)).then((o) => stream.waitForOffset(o));
    await expect(sent).rejects.toThrow();
    await stream.close().catch(() => undefined);
    await node.publishers.flushAll();
    expect(node.live.list()).toEqual([]);
  });
});
