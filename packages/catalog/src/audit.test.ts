import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type Actor,
  ANONYMOUS,
  type AuditAction,
  getCatalogVersion,
  listAuditLog,
  recordEvent,
} from './audit.js';
import { createCatalog, createSchema } from './catalogs.js';
import { createCredential, revokeCredential, rotateCredential, verifyClientSecret } from './credentials.js';
import { grantPrivilege, revokePrivilege } from './grants.js';
import type { OpenCatalog } from './open-catalog.js';
import { createServicePrincipal, createUser, setPrincipalDisabled, setUserRole } from './principals.js';
import { addColumns, createTable, dropTable } from './tables.js';
import { ADMIN, seededCatalog } from './test-support/seed.js';
import { sqlRows } from './test-support/test-catalog.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await seededCatalog();
});
afterEach(() => catalog.close());

const ALICE: Actor = { principalId: 'alice', address: '2001:db8::7' };

describe('audit log', () => {
  test('every mutation writes one row (who, what, target, details, when, from where) and bumps the version', async () => {
    await createUser(
      catalog.db,
      { principalId: 'admin', address: null },
      { id: 'alice', name: 'alice@x', role: 'editor' },
    );
    let version = await getCatalogVersion(catalog.db);
    let lastId = (await listAuditLog(catalog.db, { limit: 1 }))[0]!.id;
    const expectOne = async (
      mutation: () => unknown,
      action: AuditAction,
      target: string | (() => string),
      details?: Record<string, unknown>,
    ) => {
      const before = Date.now();
      await mutation();
      const rows = (await listAuditLog(catalog.db, { limit: 10 })).filter((r) => r.id > lastId);
      expect(rows, action).toHaveLength(1);
      const row = rows[0]!;
      expect(row).toMatchObject({
        actorId: 'alice',
        fromAddress: '2001:db8::7',
        action,
        target: typeof target === 'string' ? target : target(),
      });
      if (details !== undefined) expect(row.details).toMatchObject(details);
      expect(row.at).toBeGreaterThanOrEqual(before);
      expect(row.catalogVersion).toBe(version + 1);
      expect(await getCatalogVersion(catalog.db)).toBe(version + 1);
      version += 1;
      lastId = row.id;
    };

    await expectOne(
      async () => await createCatalog(catalog.db, ALICE, { name: 'lake' }),
      'catalog.create',
      'lake',
    );
    await expectOne(
      async () => await createSchema(catalog.db, ALICE, { name: 'lake.raw' }),
      'schema.create',
      'lake.raw',
    );
    await expectOne(
      async () =>
        await createTable(catalog.db, ALICE, { name: 'lake.raw.e', columns: [{ name: 'x', type: 'long' }] }),
      'table.create',
      'lake.raw.e',
      { location: 'tables/lake/raw/e' },
    );
    await expectOne(
      async () => await addColumns(catalog.db, ALICE, 'lake.raw.e', [{ name: 'y', type: 'string' }]),
      'table.add_columns',
      'lake.raw.e',
    );
    await expectOne(
      async () => await createServicePrincipal(catalog.db, ALICE, { id: 'bot', name: 'bot' }),
      'principal.create',
      'bot',
      { kind: 'service', name: 'bot', role: null },
    );
    await expectOne(
      async () => await setUserRole(catalog.db, ALICE, 'alice', 'viewer'),
      'principal.set_role',
      'alice',
      {
        from: 'editor',
        to: 'viewer',
      },
    );
    await expectOne(
      async () => await setPrincipalDisabled(catalog.db, ALICE, 'bot', true),
      'principal.disable',
      'bot',
    );
    await expectOne(
      async () => await setPrincipalDisabled(catalog.db, ALICE, 'bot', false),
      'principal.enable',
      'bot',
    );
    const grant = {
      principalId: 'bot',
      privilege: 'MODIFY',
      securable: { type: 'table', name: 'lake.raw.e' },
    } as const;
    await expectOne(
      async () => await grantPrivilege(catalog.db, ALICE, grant),
      'grant.add',
      'MODIFY table:lake.raw.e',
      {
        principalId: 'bot',
      },
    );
    await expectOne(
      async () => await revokePrivilege(catalog.db, ALICE, grant),
      'grant.revoke',
      'MODIFY table:lake.raw.e',
    );
    let clientId = '';
    let secrets: string[] = [];
    await expectOne(
      async () => {
        const issued = await createCredential(catalog.db, ALICE, 'bot');
        clientId = issued.clientId;
        secrets.push(issued.clientSecret);
      },
      'credential.create',
      () => clientId,
      { principalId: 'bot' },
    );
    await expectOne(
      async () => secrets.push((await rotateCredential(catalog.db, ALICE, clientId)).clientSecret),
      'credential.rotate',
      clientId,
    );
    // Using a credential is bookkeeping, not a change: no row, no new version.
    await verifyClientSecret(catalog.db, clientId, secrets[1]!);
    expect((await listAuditLog(catalog.db, { limit: 1 }))[0]!.id).toBe(lastId);
    expect(await getCatalogVersion(catalog.db)).toBe(version);
    await expectOne(
      async () => await revokeCredential(catalog.db, ALICE, clientId),
      'credential.revoke',
      clientId,
    );
    await expectOne(
      async () => await dropTable(catalog.db, ALICE, 'lake.raw.e'),
      'table.drop',
      'lake.raw.e',
      {
        grantsRemoved: 0,
      },
    );

    const everything = JSON.stringify(await listAuditLog(catalog.db, { limit: 1000 }));
    for (const secret of secrets) expect(everything).not.toContain(secret);
    secrets = [];
  });

  test('a refused mutation leaves neither a row nor a new version', async () => {
    const version = await getCatalogVersion(catalog.db);
    const rows = (await listAuditLog(catalog.db, { limit: 1000 })).length;
    const attempts = [
      async () => await createCatalog(catalog.db, ALICE, { name: 'main' }),
      async () =>
        await createTable(catalog.db, ALICE, {
          name: 'main.sales.orders',
          columns: [{ name: 'x', type: 'long' }],
        }),
      async () =>
        await createTable(catalog.db, ALICE, {
          name: 'main.sales.t',
          columns: [{ name: 'x', type: 'nope' }],
        }),
      async () =>
        await grantPrivilege(catalog.db, ALICE, {
          principalId: 'ghost',
          privilege: 'SELECT',
          securable: { type: 'catalog', name: 'main' },
        }),
      async () => await dropTable(catalog.db, ALICE, 'main.sales.nope'),
    ];
    for (const attempt of attempts) {
      await expect(attempt).rejects.toThrow(expect.objectContaining({ name: 'CatalogError' }));
    }
    expect(await getCatalogVersion(catalog.db)).toBe(version);
    expect(await listAuditLog(catalog.db, { limit: 1000 })).toHaveLength(rows);
  });

  test('a change that fails inside its transaction is rolled back with its audit row', async () => {
    const version = await getCatalogVersion(catalog.db);
    // The column insert fails on a constraint after the table row is written: nothing of it may remain.
    if (catalog.engine === 'sqlite') {
      await catalog.exec(
        "create trigger no_columns before insert on columns begin select raise(abort, 'refused by test'); end",
      );
    } else {
      await catalog.exec(`
        create function refuse_columns() returns trigger language plpgsql as $$
          begin raise exception 'refused by test'; end $$;
        create trigger no_columns before insert on columns for each row execute function refuse_columns();
      `);
    }
    await expect(
      async () =>
        await createTable(catalog.db, ALICE, {
          name: 'main.sales.t',
          columns: [{ name: 'x', type: 'long' }],
        }),
    ).rejects.toThrow(/refused by test/);
    expect(
      await sqlRows(catalog.db, sql`select cast(count(*) as integer) as n from tables where name = 't'`),
    ).toEqual([{ n: 0 }]);
    expect(await getCatalogVersion(catalog.db)).toBe(version);
    expect(await listAuditLog(catalog.db, { target: 'main.sales.t' })).toEqual([]);
  });

  test('the log pages newest first and filters by target and actor', async () => {
    const all = await listAuditLog(catalog.db, { limit: 1000 });
    expect(all.map((r) => r.id)).toEqual([...all.map((r) => r.id)].sort((a, b) => b - a));
    const page = await listAuditLog(catalog.db, { limit: 2, beforeId: all[1]!.id });
    expect(page.map((r) => r.id)).toEqual([all[2]!.id, all[3]!.id]);
    expect(
      (await listAuditLog(catalog.db, { targetType: 'table', target: 'main.sales.orders' })).map(
        (r) => r.action,
      ),
    ).toEqual(['table.create']);
    expect((await listAuditLog(catalog.db, { actorId: 'system' })).map((r) => r.action)).toEqual([
      'principal.create',
    ]);
  });
});

describe('audit events and the table filter', () => {
  test('an event is recorded at the current version without bumping it', async () => {
    const version = await getCatalogVersion(catalog.db);
    const id = await recordEvent(
      catalog.db,
      { principalId: ANONYMOUS, address: '192.0.2.9' },
      {
        action: 'auth.sign_in_failed',
        targetType: 'principal',
        target: 'mallory@example.com',
        details: { reason: 'unknown user' },
      },
    );
    expect(await getCatalogVersion(catalog.db)).toBe(version);
    expect((await listAuditLog(catalog.db, { limit: 1 }))[0]).toMatchObject({
      id,
      actorId: 'anonymous',
      fromAddress: '192.0.2.9',
      action: 'auth.sign_in_failed',
      target: 'mallory@example.com',
      details: { reason: 'unknown user' },
      catalogVersion: version,
    });
  });

  test('a table’s rows include the grants on it, and not those on other tables or its schema', async () => {
    const db = catalog.db;
    const on = (type: 'table' | 'schema', name: string) => ({
      principalId: 'svc',
      privilege: 'MODIFY' as const,
      securable: { type, name },
    });
    await grantPrivilege(db, ADMIN, on('table', 'Main.Sales.Orders'));
    await grantPrivilege(db, ADMIN, on('table', 'main.hr.people'));
    await grantPrivilege(db, ADMIN, { ...on('schema', 'main.sales'), privilege: 'USE_SCHEMA' });
    await revokePrivilege(db, ADMIN, on('table', 'main.sales.orders'));
    await recordEvent(
      db,
      { principalId: 'node:127.0.0.1:50052', address: null },
      { action: 'stream.cut', targetType: 'table', target: 'main.sales.orders', details: { streamId: 's1' } },
    );
    const rows = await listAuditLog(db, { targetType: 'table', target: 'main.sales.orders' });
    expect(rows.map((r) => [r.action, r.target])).toEqual([
      ['stream.cut', 'main.sales.orders'],
      ['grant.revoke', 'MODIFY table:main.sales.orders'],
      ['grant.add', 'MODIFY table:main.sales.orders'],
      ['table.create', 'main.sales.orders'],
    ]);
  });
});
