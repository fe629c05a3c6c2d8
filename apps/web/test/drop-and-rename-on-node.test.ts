import { join } from 'node:path';
import { loadZerobusSdk } from '@lakestream/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { issueAccessToken } from '../src/server/oauth/issue-token';
import { setUpOrdersProducer, startTestIngestNode } from './support/ingest-node';
import { callerAs, openTestServices, seedUsers } from './support/services';

const sdk = loadZerobusSdk();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a renamed or dropped table on a real ingest node, after the catalog push', () => {
  it('refuses new streams under the old name, streams under the new one (grants kept), then refuses the dropped table', async () => {
    const scratch = await openTestServices();
    cleanups.push(() => scratch.close());
    const ingest = await startTestIngestNode({
      dataDir: join(scratch.dataDir, 'node'),
      secretFile: join(scratch.dataDir, 'admin-secret'),
      adminSecret: 'lifecycle-admin-secret',
      flushMs: 50,
    });
    cleanups.push(() => ingest.close());
    const t = await openTestServices({
      LAKESTREAM_INGEST_NODES: `${ingest.adminAddress}=${ingest.secretFile}`,
    });
    cleanups.push(() => t.close());
    await seedUsers(t.services);
    const producer = await setUpOrdersProducer(t.services, 'main.sales.orders', [
      'USE_CATALOG',
      'USE_SCHEMA',
      'MODIFY',
    ]);
    const { env, signingKey } = t.services;
    const { accessToken } = await issueAccessToken(
      signingKey,
      { issuer: env.publicUrl, audience: env.tokenAudience, ttlSeconds: 600 },
      { principalId: producer.principalId, clientId: producer.clientId, scope: undefined },
    );
    const client = new sdk.ZerobusSdk(`http://127.0.0.1:${ingest.node.port}`, env.publicUrl);
    /** Opens a stream to `table`, writes one record and waits for its ack: 'acked', or the SDK's error. */
    const streamTo = async (table: string): Promise<string> => {
      try {
        const stream = await client.createStream(
          { tableName: table },
          'unused-client-id',
          'unused-secret',
          { recordType: sdk.RecordType.Json },
          {
            getHeadersCallback: () => [
              ['authorization', `Bearer ${accessToken}`],
              ['x-databricks-zerobus-table-name', table],
            ],
          },
        );
        await stream.waitForOffset(await stream.ingestRecordOffset(JSON.stringify({ id: 1, item: 'tea' })));
        await stream.close();
        return 'acked';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const pushed = async () => {
      await t.services.provisioner.settled();
      expect(ingest.store.current().version).toBe((await t.services.snapshot()).version);
    };

    await pushed();
    expect(await streamTo('main.sales.orders')).toBe('acked');

    await callerAs(t.services, 'editor').caller.tables.rename({
      name: 'main.sales.orders',
      newName: 'main.sales.purchases',
    });
    await pushed();
    expect(await streamTo('main.sales.orders')).toContain(
      'table main.sales.orders is not provisioned on this ingest node',
    );
    expect(await streamTo('main.sales.purchases')).toBe('acked');

    await callerAs(t.services, 'admin').caller.tables.drop({ name: 'main.sales.purchases' });
    await pushed();
    expect(await streamTo('main.sales.purchases')).toContain(
      'table main.sales.purchases is not provisioned on this ingest node',
    );
  });
});
