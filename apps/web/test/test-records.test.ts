import { join } from 'node:path';
import { openTable } from '@lakestream/delta';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpOrdersProducer, startTestIngestNode, type TestIngestNode } from './support/ingest-node';
import { callerAs, openTestServices, seedUsers, type TestServices } from './support/services';

const TABLE = 'main.sales.orders';
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let t: TestServices;
let ingest: TestIngestNode;
let nodeDataDir: string;

beforeAll(async () => {
  const scratch = await openTestServices();
  cleanups.push(() => scratch.close());
  nodeDataDir = join(scratch.dataDir, 'node');
  ingest = await startTestIngestNode({
    dataDir: nodeDataDir,
    secretFile: join(scratch.dataDir, 'admin-secret'),
    adminSecret: 'test-records-admin-secret',
    flushMs: 50,
  });
  cleanups.push(() => ingest.close());
  // The console reads the tables where the node writes them, and gives producers the node's endpoint.
  t = await openTestServices({
    LAKESTREAM_INGEST_NODES: `${ingest.adminAddress}=${ingest.secretFile}`,
    LAKESTREAM_INGEST_ENDPOINT: `http://127.0.0.1:${ingest.node.port}`,
    LAKESTREAM_TABLES_DIR: nodeDataDir,
  });
  cleanups.push(() => t.close());
  await seedUsers(t.services);
  // main.sales.orders (id long not null, item string); the editor user may write to it, the viewer may not.
  await setUpOrdersProducer(t.services, TABLE, []);
  const editor = callerAs(t.services, 'editor').caller;
  await editor.grants.grantProducerAccess({ principalId: 'editor', table: TABLE });
  await t.services.provisioner.notifyChanged();
});

/** Every row of the table, read back with packages/delta (not the console's reader). */
async function tableRows(): Promise<{ id: bigint; item: string | null }[]> {
  const table = await openTable(join(nodeDataDir, 'tables/main/sales/orders'));
  try {
    return (await table.scan()).toArray().map((r) => ({ id: r.id as bigint, item: r.item as string | null }));
  } finally {
    await table.close();
  }
}

describe('testRecords over a real ingest node', () => {
  it('sends a good record as the signed-in user: acked on the node, then visible in the Delta table', async () => {
    const editor = callerAs(t.services, 'editor').caller;
    expect(await editor.testRecords.access({ name: TABLE })).toMatchObject({ allowed: true });
    expect(await editor.testRecords.targets()).toEqual([
      { id: 'endpoint', endpoint: `http://127.0.0.1:${ingest.node.port}`, nodeId: null },
    ]);
    const result = await editor.testRecords.send({
      name: TABLE,
      record: '{"id": 7001, "item": "green tea"}',
    });
    expect(result).toMatchObject({
      outcome: 'acked',
      ackedOffset: '0',
      target: { id: 'endpoint' },
      node: { nodeId: ingest.node.nodeId, adminAddress: ingest.adminAddress },
    });
    if (result.outcome !== 'acked') throw new Error('not acked');
    expect(result.visible).not.toBeNull();
    expect(result.columns).toEqual([
      { name: 'id', type: 'long', sent: true, sentValue: 7001, stored: '7001' },
      { name: 'item', type: 'string', sent: true, sentValue: 'green tea', stored: 'green tea' },
    ]);
    expect(await tableRows()).toContainEqual({ id: 7001n, item: 'green tea' });

    // A second record reuses the user's short-lived credential: one `credential.create`, by the user.
    const again = await editor.testRecords.send({ name: TABLE, record: '{"id": 7002}' });
    expect(again).toMatchObject({ outcome: 'acked', visible: { version: expect.any(Number) } });
    expect(again.columns[1]).toMatchObject({ name: 'item', sent: false, stored: null });
    const credentials = await callerAs(t.services, 'admin').caller.credentials.list({
      principalId: 'editor',
    });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.expiresAt).toBeGreaterThan(Date.now());
    const audit = await callerAs(t.services, 'admin').caller.audit.list({ limit: 200 });
    expect(audit.filter((a) => a.action === 'credential.create' && a.actorId === 'editor')).toHaveLength(1);
  }, 60_000);

  it('shows the field the node refuses: a wrong type, an unknown field, not JSON; nothing lands', async () => {
    const editor = callerAs(t.services, 'editor').caller;
    const before = (await tableRows()).length;
    const wrongType = await editor.testRecords.send({
      name: TABLE,
      record: '{"id": "seven", "item": "tea"}',
    });
    expect(wrongType).toMatchObject({
      outcome: 'refused',
      node: null,
      refusal: { status: 'INVALID_ARGUMENT', field: 'id', code: expect.stringMatching(/^[A-Z_]+$/) },
    });
    if (wrongType.outcome !== 'refused') throw new Error('not refused');
    expect(wrongType.refusal.message).toMatch(/^table main\.sales\.orders, offset 0, record 0, field id/);

    const unknown = await editor.testRecords.send({ name: TABLE, record: '{"id": 8, "colour": "red"}' });
    expect(unknown).toMatchObject({
      outcome: 'refused',
      refusal: { status: 'INVALID_ARGUMENT', field: 'colour', code: 'UNKNOWN_FIELD' },
    });

    const notJson = await editor.testRecords.send({ name: TABLE, record: '{"id": 9,' });
    expect(notJson).toMatchObject({
      outcome: 'refused',
      refusal: { status: 'INVALID_ARGUMENT', field: null },
    });
    if (notJson.outcome !== 'refused') throw new Error('not refused');
    expect(notJson.refusal.code).toBe('INVALID_JSON');
    expect((await tableRows()).length).toBe(before);
  }, 60_000);

  it('refuses a user without MODIFY in a sentence, and anyone signed out', async () => {
    const viewer = callerAs(t.services, 'viewer').caller;
    expect(await viewer.testRecords.access({ name: TABLE })).toMatchObject({ allowed: false });
    await expect(viewer.testRecords.send({ name: TABLE, record: '{"id": 1}' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/^You may not send records to main\.sales\.orders: .+ grant you MODIFY/),
    });
    const anonymous = callerAs(t.services, null).caller;
    await expect(anonymous.testRecords.send({ name: TABLE, record: '{"id": 1}' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(anonymous.testRecords.targets()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    // An unknown target is never dialled.
    const editor = callerAs(t.services, 'editor').caller;
    await expect(
      editor.testRecords.send({ name: TABLE, record: '{"id": 1}', target: 'node:elsewhere' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // No credential was made for the refused users.
    const admin = callerAs(t.services, 'admin').caller;
    expect(await admin.credentials.list({ principalId: 'viewer' })).toEqual([]);
  });
});
