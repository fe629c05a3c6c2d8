import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listAuditLog } from '@lakestream/catalog';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callerAs, openTestServices, seedUsers, type TestServices } from '../../../test/support/services';
import { openStorage } from '../delta/delta';

let t: TestServices;
const as = (id: string | null) => callerAs(t.services, id).caller;

beforeEach(async () => {
  t = await openTestServices();
  await seedUsers(t.services);
  const admin = as('admin');
  await admin.catalogs.create({ name: 'main' });
  await admin.catalogs.createSchema({ name: 'main.sales' });
  await admin.tables.create({ name: 'main.sales.orders', columns: [{ name: 'id', type: 'long' }] });
  await admin.principals.createServicePrincipal({ name: 'orders-producer' });
});
afterEach(() => t.close());

async function producerId(): Promise<string> {
  const [producer] = await as('admin').principals.list({ kind: 'service' });
  return producer!.id;
}

describe('drop and rename routers', () => {
  it('renames a table keeping its grants; shows and then drops what a table drop affects', async () => {
    const admin = as('admin');
    const principalId = await producerId();
    await admin.grants.grant({
      principalId,
      privilege: 'MODIFY',
      securable: { type: 'table', name: 'main.sales.orders' },
    });
    await as('editor').tables.rename({ name: 'main.sales.orders', newName: 'main.sales.purchases' });
    const impact = await as('viewer').tables.dropImpact({ name: 'main.sales.purchases' });
    expect(impact.grants).toEqual([
      expect.objectContaining({ privilege: 'MODIFY', principalName: 'orders-producer' }),
    ]);
    expect(await admin.tables.drop({ name: 'main.sales.purchases' })).toEqual({
      name: 'main.sales.purchases',
      dataDeleted: null,
    });
    expect(await admin.grants.list()).toEqual([]);
    await expect(admin.tables.get({ name: 'main.sales.purchases' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('"also delete data" removes the Delta files through the storage; without it they stay', async () => {
    const admin = as('admin');
    const table = await admin.tables.get({ name: 'main.sales.orders' });
    const dir = join(t.services.env.tablesDir, table.storageLocation);
    const storage = openStorage(dir, { fsync: false });
    await storage.write('_delta_log/00000000000000000000.json', new TextEncoder().encode('{}\n'));
    await storage.write('part-00000.parquet', new Uint8Array([1, 2, 3]));
    await admin.tables.create({ name: 'main.sales.kept', columns: [{ name: 'id', type: 'long' }] });
    const kept = await admin.tables.get({ name: 'main.sales.kept' });
    const keptDir = join(t.services.env.tablesDir, kept.storageLocation);
    await openStorage(keptDir, { fsync: false }).write('part-1.parquet', new Uint8Array([1]));

    const dropped = await admin.tables.drop({ name: 'main.sales.orders', deleteData: true });
    expect(dropped.dataDeleted).toMatchObject({ logFiles: 1, dataFiles: 1 });
    expect(readdirSync(dir)).toEqual(['_delta_log']);
    expect(readdirSync(join(dir, '_delta_log'))).toEqual([]);
    await admin.tables.drop({ name: 'main.sales.kept' });
    expect(existsSync(join(keptDir, 'part-1.parquet'))).toBe(true);
    expect((await listAuditLog(t.services.db, { limit: 3 })).map((e) => e.action)).toEqual([
      'table.drop',
      'table.delete_data',
      'table.drop',
    ]);
  });

  it('refuses deletes to non-admins, and a non-empty schema or catalog naming what it holds', async () => {
    for (const id of ['editor', 'viewer']) {
      const caller = as(id);
      await expect(caller.tables.drop({ name: 'main.sales.orders' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(caller.catalogs.dropSchema({ name: 'main.sales' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(caller.catalogs.drop({ name: 'main' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(caller.principals.delete({ id: 'viewer' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(
      as('viewer').tables.rename({ name: 'main.sales.orders', newName: 'main.sales.x' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const admin = as('admin');
    await expect(admin.catalogs.dropSchema({ name: 'main.sales' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: "schema 'main.sales' is not empty: it holds table main.sales.orders; drop it first",
    });
    expect(await admin.catalogs.dropImpact({ type: 'catalog', name: 'main' })).toMatchObject({
      contents: ['main.sales'],
    });
    await admin.catalogs.renameSchema({ name: 'main.sales', newName: 'main.shop' });
    await admin.catalogs.rename({ name: 'main', newName: 'lake' });
    await admin.tables.drop({ name: 'lake.shop.orders' });
    await admin.catalogs.dropSchema({ name: 'lake.shop' });
    await admin.catalogs.drop({ name: 'lake' });
    expect(await admin.catalogs.list()).toEqual([]);
  });

  it('deletes principals with their grants and credentials; never yourself, never the last admin', async () => {
    const admin = as('admin');
    const principalId = await producerId();
    await admin.grants.grant({
      principalId,
      privilege: 'USE_CATALOG',
      securable: { type: 'catalog', name: 'main' },
    });
    await admin.credentials.create({ principalId });
    expect(await admin.principals.deleteImpact({ id: principalId })).toMatchObject({
      grants: [expect.objectContaining({ privilege: 'USE_CATALOG' })],
      credentials: [expect.objectContaining({ status: 'active' })],
    });
    expect(await admin.principals.delete({ id: principalId })).toMatchObject({
      grantsRemoved: 1,
      credentialsRemoved: 1,
    });
    expect(await admin.credentials.list({})).toEqual([]);

    await expect(admin.principals.delete({ id: 'admin' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: "'admin@example.com' is the last admin; give another user the admin role first",
    });
    await admin.principals.setRole({ id: 'editor', role: 'admin' });
    await expect(admin.principals.delete({ id: 'admin' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: "'admin@example.com' cannot delete themselves; ask another admin",
    });
    await as('editor').principals.delete({ id: 'admin' });
    await expect(as('admin').auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await as('editor').principals.list({ kind: 'user' })).map((p) => p.id)).toEqual([
      'editor',
      'viewer',
    ]);
    expect(
      (await listAuditLog(t.services.db, { targetType: 'principal', target: 'admin', limit: 1 }))[0],
    ).toMatchObject({ action: 'principal.delete', actorId: 'editor' });
    expect((await listAuditLog(t.services.db, { limit: 3 })).map((e) => e.action)).toContain('auth.refused');
  });

  it('renames principals, validated like new names', async () => {
    const admin = as('admin');
    const principalId = await producerId();
    expect(await admin.principals.rename({ id: principalId, name: 'Billing-Producer' })).toMatchObject({
      name: 'billing-producer',
    });
    await expect(admin.principals.rename({ id: principalId, name: 'has space' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
