import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStorage, openTable } from '@lakestream/delta';
import { type Azurite, startAzurite } from '@lakestream/delta/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../src/auth/create-authenticator.js';
import { createMemoryCatalogSource } from '../src/catalog/memory-catalog-source.js';
import { tableAppId } from '../src/publish/txn-app-id.js';
import { ORDERS, testSnapshot, testTokens } from './support/test-catalog.js';
import { rows, startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

let azurite: Azurite | undefined;
// The SDK's standard variable, set before the node starts: its Parquet workers read the same environment.
beforeAll(async () => {
  azurite = await startAzurite({ setProcessEnv: true });
});
afterAll(() => azurite?.stop());

describe('a table whose location is in Azure Blob Storage (Azurite)', () => {
  it('publishes ingested records to the Delta log in the container', async () => {
    const location = `az://${await azurite!.createContainer()}/lake/main/sales/orders`;
    const tokens = testTokens();
    const snapshot = testSnapshot(tokens);
    const catalog = createMemoryCatalogSource({
      ...snapshot,
      tables: snapshot.tables.map((t) => (t.name === ORDERS ? { ...t, location } : t)),
    });
    const { dir, cleanup } = await tempDir();
    const { node } = await startTestNode(dir, {
      cat: { catalog, authenticator: createAuthenticator(catalog), tokens },
    });
    const client = zerobusClient(node.port);
    try {
      const s = openStream(client, 'EphemeralStream', tokens.good.token, ORDERS);
      s.send(req.create(ORDERS, 2));
      await s.streamId();
      for (let o = 0; o < 10; o++) {
        s.send(
          req.json(
            o,
            [0, 1, 2].map((k) => JSON.stringify({ id: o * 3 + k, item: `tea ${o}` })),
          ),
        );
      }
      await s.ackedAtLeast(9);
      expect((await s.finish()).code).toBe(0);
      await node.publishers.flushAll();
    } finally {
      client.close();
      await node.close(500);
    }
    try {
      // Nothing of the table on the node's disk; its log and data files are in the container.
      expect(existsSync(join(dir, 'lake'))).toBe(false);
      const log = await openStorage(location).list('_delta_log/');
      expect(log[0]).toBe('_delta_log/00000000000000000000.json');
      await using table = await openTable(location);
      const got = rows(await table.scan());
      expect(got.map((r) => r.id)).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(i)));
      const writers = (await table.history()).flatMap((h) => (h.txnAppId === undefined ? [] : [h.txnAppId]));
      expect(new Set(writers)).toEqual(new Set([tableAppId(node.writer, ORDERS)]));
    } finally {
      await cleanup();
    }
  });
});
