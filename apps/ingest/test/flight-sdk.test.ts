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
import { childNodeDir, startChildNode } from './support/child-node.js';
import { ORDERS, testCatalog } from './support/test-catalog.js';
import { readTable, rows, startTestNode, tempDir } from './support/test-node.js';

const sdk = loadZerobusSdk();

let dir: string;
let cleanup: () => Promise<void>;
let node: IngestNode;
let cat: ReturnType<typeof testCatalog>;
/** A stand-in workspace: `/oidc/v1/token` answers `oidcToken` (a producer token) as the OAuth access token. */
let oidc: Server;
let oidcPort: number;
let oidcToken: string;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  ({ node, cat } = await startTestNode(dir));
  oidcToken = cat.tokens.good.token;
  oidc = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: oidcToken, token_type: 'Bearer', expires_in: 3600 }));
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

/** Order `id` as the Delta table returns it. */
function order(id: number): { id: bigint; item: string | null; qty: number } {
  return { id: BigInt(id), item: id % 11 === 0 ? null : `s${id % 50}`, qty: id % 5 };
}

/** One IPC stream (schema + one batch) of orders `from`..`from+n-1`, as `ingestBatch` takes it. */
function batch(from: number, n: number): Buffer {
  const want = Array.from({ length: n }, (_, i) => order(from + i));
  const t = new Table({
    id: vectorFromArray(
      want.map((o) => o.id),
      new Int64(),
    ),
    item: vectorFromArray(
      want.map((o) => o.item),
      new Utf8(),
    ),
    qty: vectorFromArray(
      want.map((o) => o.qty),
      new Int32(),
    ),
  });
  return Buffer.from(tableToIPC(new Table(new RecordBatch(SCHEMA, t.batches[0]!.data)), 'stream'));
}

function open(options: Record<string, unknown>, port = node.port): Promise<SdkArrowStream> {
  const client = new sdk.ZerobusSdk(`http://127.0.0.1:${port}`, `http://127.0.0.1:${oidcPort}`);
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
});

const CODECS = [
  ['LZ4_FRAME', sdk.IpcCompressionType.Lz4Frame],
  ['ZSTD', sdk.IpcCompressionType.Zstd],
] as const;

describe.each(CODECS)('the official SDK Arrow stream with ipcCompression %s', (_name, codec) => {
  it('ingests compressed batches; the rows are in the Delta table exactly', async () => {
    const stream = await open({ ipcCompression: codec, recovery: false });
    let last = -1n;
    for (let b = 0; b < 4; b++) last = await stream.ingestBatch(batch(b * 1_000, 1_000));
    expect(last).toBe(3n);
    await stream.waitForOffset(last);
    await stream.flush();
    await stream.close();
    await node.publishers.flushAll();
    const got = rows(await readTable(dir, 'tables/main/sales/orders'));
    expect(got).toEqual(Array.from({ length: 4_000 }, (_, i) => order(i)));
  });
});

describe('compressed Arrow batches after a SIGKILL', () => {
  it('are replayed from the WAL (kept compressed) and published exactly once, LZ4_FRAME and ZSTD', async () => {
    const { tokens, provisioning, dataDir, cleanup: clean } = await childNodeDir();
    try {
      // Publishing held off for 10 minutes: everything acked lives only in the WAL when the node dies.
      const child = await startChildNode(dataDir, provisioning, ['--flush-ms', '600000']);
      oidcToken = tokens.good.token;
      for (const [c, [, codec]] of CODECS.entries()) {
        const stream = await open({ ipcCompression: codec, recovery: false }, child.port);
        let last = -1n;
        for (let b = 0; b < 3; b++) last = await stream.ingestBatch(batch(c * 3_000 + b * 1_000, 1_000));
        await stream.waitForOffset(last);
        await stream.close();
      }
      child.process.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
      for (let restart = 0; restart < 2; restart++) {
        const { node: n } = await startTestNode(dataDir, { cat: testCatalog(tokens) });
        const replayed = await n.recovery.done;
        expect(replayed.republished).toBe(restart === 0 ? 6 : 0);
        expect(replayed.alreadyPublished).toBe(restart === 0 ? 0 : 6);
        expect(replayed.held).toBe(0);
        await n.close(200);
        const got = rows(await readTable(dataDir, 'tables/main/sales/orders'));
        got.sort((a, b) => Number((a.id as bigint) - (b.id as bigint)));
        expect(got).toEqual(Array.from({ length: 6_000 }, (_, i) => order(i)));
      }
    } finally {
      await clean();
    }
  }, 120_000);
});
