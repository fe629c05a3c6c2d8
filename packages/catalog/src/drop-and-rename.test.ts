import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAuditLog } from './audit.js';
import { type CatalogErrorCode, isCatalogError } from './catalog-error.js';
import {
  createCatalog,
  dropCatalog,
  dropSchema,
  listCatalogs,
  renameCatalog,
  renameSchema,
} from './catalogs.js';
import { createCredential, listCredentials } from './credentials.js';
import { principalImpact, securableImpact } from './deletion-impact.js';
import { grantPrivilege, listGrants } from './grants.js';
import type { OpenCatalog } from './open-catalog.js';
import {
  createUser,
  deletePrincipal,
  findPrincipal,
  renamePrincipal,
  setPrincipalDisabled,
} from './principals.js';
import { buildProvisioningSnapshot } from './snapshot.js';
import { dropTable, getTable, listTables, renameTable } from './tables.js';
import { ADMIN, seededCatalog } from './test-support/seed.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await seededCatalog();
});
afterEach(() => catalog.close());

async function refusal(fn: () => unknown, code: CatalogErrorCode): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (isCatalogError(error, code)) return error.message;
    throw error;
  }
  throw new Error(`expected ${code}`);
}

const svcGrants = [
  ['USE_CATALOG', 'catalog', 'main'],
  ['USE_SCHEMA', 'schema', 'main.sales'],
  ['MODIFY', 'table', 'main.sales.orders'],
] as const;

async function grantSvc(): Promise<void> {
  for (const [privilege, type, name] of svcGrants) {
    await grantPrivilege(catalog.db, ADMIN, { principalId: 'svc', privilege, securable: { type, name } });
  }
}

async function lastAudit() {
  return (await listAuditLog(catalog.db, { limit: 1 }))[0];
}

describe('tables', () => {
  test('a rename keeps the grants (by id) and the location; the snapshot names the new table only', async () => {
    await grantSvc();
    const before = await getTable(catalog.db, 'main.sales.orders');
    const renamed = await renameTable(catalog.db, ADMIN, 'main.sales.orders', 'Main.Sales.Purchases');
    expect(renamed).toMatchObject({
      id: before.id,
      name: 'main.sales.purchases',
      storageLocation: before.storageLocation,
    });
    expect((await listGrants(catalog.db, { principalId: 'svc' })).map((g) => g.securable.name)).toContain(
      'main.sales.purchases',
    );
    const snapshot = await buildProvisioningSnapshot(catalog.db, {
      issuer: 'http://127.0.0.1:3000',
      audience: 'lakestream-ingest',
      tokenKeys: [],
    });
    expect(snapshot.tables.map((t) => t.name)).toEqual(['main.hr.people', 'main.sales.purchases']);
    expect(await lastAudit()).toMatchObject({
      action: 'table.rename',
      target: 'main.sales.purchases',
      details: { from: 'main.sales.orders', to: 'main.sales.purchases' },
    });
  });

  test('a rename is refused onto a taken name, into another schema, or for a missing table', async () => {
    await renameTable(catalog.db, ADMIN, 'main.hr.people', 'main.hr.staff');
    expect(
      await refusal(
        () => renameTable(catalog.db, ADMIN, 'main.sales.orders', 'main.hr.orders'),
        'INVALID_NAME',
      ),
    ).toBe("table 'main.sales.orders' stays in schema 'main.sales'; 'main.hr.orders' names another schema");
    await createCatalog(catalog.db, ADMIN, { name: 'other' });
    expect(
      await refusal(() => renameTable(catalog.db, ADMIN, 'main.hr.people', 'main.hr.x'), 'NOT_FOUND'),
    ).toBe("table 'main.hr.people' does not exist");
    await renameTable(catalog.db, ADMIN, 'main.hr.staff', 'main.hr.people');
    await dropTable(catalog.db, ADMIN, 'main.hr.people');
    expect(
      await refusal(
        () => renameTable(catalog.db, ADMIN, 'main.sales.orders', 'main.sales.bad-name'),
        'INVALID_NAME',
      ),
    ).toContain("table name 'bad-name'");
  });

  test('a drop removes the grants on it in the same transaction and says what it affects first', async () => {
    await grantSvc();
    const impact = await securableImpact(catalog.db, { type: 'table', name: 'main.sales.orders' });
    expect(impact).toEqual({
      securable: { type: 'table', name: 'main.sales.orders' },
      contents: [],
      grants: [
        {
          privilege: 'MODIFY',
          securable: { type: 'table', name: 'main.sales.orders' },
          principalId: 'svc',
          principalName: 'svc-orders',
        },
      ],
    });
    await dropTable(catalog.db, ADMIN, 'main.sales.orders');
    expect((await listGrants(catalog.db)).map((g) => g.privilege)).toEqual(['USE_CATALOG', 'USE_SCHEMA']);
    expect(await lastAudit()).toMatchObject({ action: 'table.drop', details: { grantsRemoved: 1 } });
  });
});

describe('schemas and catalogs', () => {
  test('are refused while they hold something, naming what', async () => {
    expect(await refusal(() => dropSchema(catalog.db, ADMIN, 'main.sales'), 'NOT_EMPTY')).toBe(
      "schema 'main.sales' is not empty: it holds table main.sales.orders; drop it first",
    );
    expect(await refusal(() => dropCatalog(catalog.db, ADMIN, 'MAIN'), 'NOT_EMPTY')).toBe(
      "catalog 'main' is not empty: it holds schemas main.hr (1 table) and main.sales (1 table); drop them first",
    );
    expect((await securableImpact(catalog.db, { type: 'catalog', name: 'main' })).contents).toEqual([
      'main.hr',
      'main.sales',
    ]);
    expect(await refusal(() => dropSchema(catalog.db, ADMIN, 'main.nope'), 'NOT_FOUND')).toBe(
      "schema 'main.nope' does not exist",
    );
  });

  test('once empty, go with their grants; renames keep grants and tables', async () => {
    await grantSvc();
    await renameCatalog(catalog.db, ADMIN, 'main', 'lake');
    await renameSchema(catalog.db, ADMIN, 'lake.sales', 'lake.shop');
    expect((await listTables(catalog.db)).map((t) => t.name)).toEqual(['lake.hr.people', 'lake.shop.orders']);
    expect((await listGrants(catalog.db)).map((g) => g.securable.name)).toEqual([
      'lake',
      'lake.shop',
      'lake.shop.orders',
    ]);
    expect(
      await refusal(() => renameSchema(catalog.db, ADMIN, 'lake.shop', 'other.shop'), 'INVALID_NAME'),
    ).toBe("schema 'lake.shop' stays in catalog 'lake'; 'other.shop' names another catalog");
    expect(
      await refusal(() => renameSchema(catalog.db, ADMIN, 'lake.shop', 'lake.hr'), 'ALREADY_EXISTS'),
    ).toBe("schema 'lake.hr' already exists");
    await createCatalog(catalog.db, ADMIN, { name: 'other' });
    expect(await refusal(() => renameCatalog(catalog.db, ADMIN, 'lake', 'other'), 'ALREADY_EXISTS')).toBe(
      "catalog 'other' already exists",
    );

    await dropTable(catalog.db, ADMIN, 'lake.shop.orders');
    expect(await dropSchema(catalog.db, ADMIN, 'lake.shop')).toEqual({ grantsRemoved: 1 });
    await dropTable(catalog.db, ADMIN, 'lake.hr.people');
    await dropSchema(catalog.db, ADMIN, 'lake.hr');
    expect(await dropCatalog(catalog.db, ADMIN, 'lake')).toEqual({ grantsRemoved: 1 });
    expect((await listCatalogs(catalog.db)).map((c) => c.name)).toEqual(['other']);
    expect(await listGrants(catalog.db)).toEqual([]);
    expect((await listAuditLog(catalog.db, { limit: 6 })).map((e) => e.action)).toEqual([
      'catalog.drop',
      'schema.drop',
      'table.drop',
      'schema.drop',
      'table.drop',
      'catalog.create',
    ]);
  });
});

describe('principals', () => {
  test('deleting a service principal removes its grants and credentials in the same transaction', async () => {
    await grantSvc();
    await createCredential(catalog.db, ADMIN, 'svc');
    const impact = await principalImpact(catalog.db, 'svc');
    expect(impact.grants).toHaveLength(3);
    expect(impact.credentials).toEqual([{ clientId: expect.stringMatching(/^lsc-/), status: 'active' }]);
    const deleted = await deletePrincipal(catalog.db, ADMIN, 'svc');
    expect(deleted).toMatchObject({ grantsRemoved: 3, credentialsRemoved: 1 });
    expect(await findPrincipal(catalog.db, 'svc')).toBeUndefined();
    expect(await listGrants(catalog.db)).toEqual([]);
    expect(await listCredentials(catalog.db)).toEqual([]);
    expect(await lastAudit()).toMatchObject({
      action: 'principal.delete',
      target: 'svc',
      details: { kind: 'service', name: 'svc-orders', grantsRemoved: 3, credentialsRemoved: 1 },
    });
  });

  test('never the last enabled admin, never yourself', async () => {
    expect(await refusal(() => deletePrincipal(catalog.db, ADMIN, 'admin'), 'FORBIDDEN')).toBe(
      "'admin@example.com' is the last admin; give another user the admin role first",
    );
    await createUser(catalog.db, ADMIN, { id: 'second', name: 'second@example.com', role: 'admin' });
    const second = { principalId: 'second', address: null };
    expect(await refusal(() => deletePrincipal(catalog.db, ADMIN, 'admin'), 'FORBIDDEN')).toBe(
      "'admin@example.com' cannot delete themselves; ask another admin",
    );
    await setPrincipalDisabled(catalog.db, ADMIN, 'second', true);
    expect(await refusal(() => deletePrincipal(catalog.db, second, 'admin'), 'FORBIDDEN')).toContain(
      'is the last admin',
    );
    await setPrincipalDisabled(catalog.db, ADMIN, 'second', false);
    await deletePrincipal(catalog.db, second, 'admin');
    expect(await findPrincipal(catalog.db, 'admin')).toBeUndefined();
  });

  test('renames are validated like new names and keep the id', async () => {
    expect(await renamePrincipal(catalog.db, ADMIN, 'svc', 'Svc-Billing')).toMatchObject({
      id: 'svc',
      name: 'svc-billing',
    });
    expect(
      await refusal(() => renamePrincipal(catalog.db, ADMIN, 'svc', 'no spaces'), 'INVALID_NAME'),
    ).toBeTruthy();
    expect(
      await refusal(() => renamePrincipal(catalog.db, ADMIN, 'svc', 'admin@example.com'), 'INVALID_NAME'),
    ).toBeTruthy();
    expect(
      await refusal(() => renamePrincipal(catalog.db, ADMIN, 'admin', 'svc-billing'), 'ALREADY_EXISTS'),
    ).toBe("a principal named 'svc-billing' already exists");
  });
});
