// What a producer on the official SDK hears when a catalog change takes its right to write away mid-stream:
// the node's reason in words (which credential or grant, what to do), not the SDK's bare "Stream closed".
import { loadZerobusSdk, type ZerobusSdkStream as SdkStream } from '@lakestream/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogSnapshotInput } from '../src/catalog/snapshot-schema.js';
import type { IngestNode } from '../src/server-node.js';
import { ORDERS, type testCatalog, testSnapshot } from './support/test-catalog.js';
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

function open(): Promise<SdkStream> {
  const client = new sdk.ZerobusSdk(`http://127.0.0.1:${node.port}`, `http://127.0.0.1:${node.port}`);
  return client.createStream(
    { tableName: ORDERS },
    'client-id',
    'client-secret',
    { recordType: sdk.RecordType.Json },
    {
      getHeadersCallback: () => [
        ['authorization', `Bearer ${cat.tokens.good.token}`],
        ['x-databricks-zerobus-table-name', ORDERS],
      ],
    },
  );
}

/** Ingests ids [from, to) and waits until they are acked. */
async function ingestAcked(stream: SdkStream, from: number, to: number): Promise<void> {
  let last = -1n;
  for (let i = from; i < to; i++) last = await stream.ingestRecordOffset(JSON.stringify({ id: i }));
  await stream.waitForOffset(last);
}

/**
 * Applies `change` to the catalog the node reads, then lets a second pass so that a node which ended the
 * call at once (the old behaviour) has had its status reach the SDK before the producer's next call.
 */
async function changeCatalog(change: (s: CatalogSnapshotInput) => CatalogSnapshotInput): Promise<void> {
  cat.catalog.replace(change({ ...testSnapshot(cat.tokens), version: 2 }));
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

async function tableIds(): Promise<number[]> {
  await node.publishers.flushAll();
  return rows(await readTable(dir, 'tables/main/sales/orders')).map((r) => Number(r.id));
}

describe('a live SDK stream cut by a catalog change', () => {
  it('a revoked credential: the next flush fails saying which credential was revoked; acked rows stay', async () => {
    const stream = await open();
    await ingestAcked(stream, 0, 20);
    await changeCatalog((s) => ({
      ...s,
      credentials: s.credentials.map((c) => (c.id === cat.tokens.good.id ? { ...c, revoked: true } : c)),
    }));
    await stream.ingestRecordOffset(JSON.stringify({ id: 20 }));
    await expect(stream.flush()).rejects.toThrow(
      `the credential ${cat.tokens.good.id} was revoked; get a new one`,
    );
    expect(await tableIds()).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('a removed grant: the next flush fails with PERMISSION_DENIED naming the missing privilege', async () => {
    const stream = await open();
    await ingestAcked(stream, 0, 20);
    await changeCatalog((s) => ({
      ...s,
      grants: s.grants.filter((g) => !(g.principalId === 'svc-orders' && g.privilege === 'MODIFY')),
    }));
    await stream.ingestRecordOffset(JSON.stringify({ id: 20 }));
    const failed = await stream.flush().then(
      () => 'flushed',
      (e: Error) => e.message,
    );
    expect(failed).toContain('permission');
    expect(failed).toContain(`svc-orders may not write to ${ORDERS}`);
    expect(failed).toContain('has no MODIFY');
    expect(await tableIds()).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
