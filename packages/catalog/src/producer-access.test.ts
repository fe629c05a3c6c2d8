import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAuditLog } from './audit.js';
import { isCatalogError } from './catalog-error.js';
import { canWrite, grantPrivilege, listGrants } from './grants.js';
import type { OpenCatalog } from './open-catalog.js';
import { setPrincipalDisabled } from './principals.js';
import { grantProducerAccess, mayStream, missingPrivileges, producerPrivileges } from './producer-access.js';
import { ADMIN, seededCatalog } from './test-support/seed.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await seededCatalog();
});
afterEach(() => catalog.close());

const T = 'main.sales.orders';

describe('mayStream: what the SDK token request needs', () => {
  test('MODIFY with USE_CATALOG and USE_SCHEMA is enough for an ingest node, not for the SDK: SELECT is missing', async () => {
    for (const [privilege, type, name] of [
      ['USE_CATALOG', 'catalog', 'main'],
      ['USE_SCHEMA', 'schema', 'main.sales'],
      ['MODIFY', 'table', T],
    ] as const) {
      await grantPrivilege(catalog.db, ADMIN, { principalId: 'svc', privilege, securable: { type, name } });
    }
    expect((await canWrite(catalog.db, 'svc', T)).allowed).toBe(true);
    const decision = await mayStream(catalog.db, 'svc', T);
    expect(decision.allowed).toBe(false);
    expect(decision.missing).toEqual([`SELECT on table '${T}'`]);
    expect(decision.reason).toContain(`lacks what the SDK's token request asks for: SELECT on table '${T}'`);
    expect(decision.fixable).toBe(true);
  });

  test('MODIFY alone: each missing privilege is listed once', async () => {
    await grantPrivilege(catalog.db, ADMIN, {
      principalId: 'svc',
      privilege: 'MODIFY',
      securable: { type: 'table', name: T },
    });
    expect((await mayStream(catalog.db, 'svc', T)).missing).toEqual([
      "USE_CATALOG on catalog 'main'",
      "USE_SCHEMA on schema 'main.sales'",
      `SELECT on table '${T}'`,
    ]);
  });

  test('the token request lists MODIFY twice (privileges and operations): missingPrivileges names it once', async () => {
    const requested = [...producerPrivileges(T), producerPrivileges(T)[3]!];
    const missing = await missingPrivileges(catalog.db, 'svc', requested);
    expect(missing.filter((m) => m.startsWith('MODIFY'))).toEqual([`MODIFY on table '${T}'`]);
    expect(missing).toHaveLength(4);
    expect(await missingPrivileges(catalog.db, 'svc', [producerPrivileges('main.sales.nope')[3]!])).toEqual([
      "table 'main.sales.nope' does not exist",
    ]);
  });

  test('MANAGE on the catalog gives everything; a disabled principal, an unknown table or principal may not', async () => {
    await grantPrivilege(catalog.db, ADMIN, {
      principalId: 'svc',
      privilege: 'MANAGE',
      securable: { type: 'catalog', name: 'main' },
    });
    expect(await mayStream(catalog.db, 'svc', 'MAIN.Sales.Orders')).toMatchObject({
      allowed: true,
      missing: [],
    });
    expect(await mayStream(catalog.db, 'svc', 'main.sales.nope')).toMatchObject({
      allowed: false,
      reason: "table 'main.sales.nope' does not exist",
    });
    expect((await mayStream(catalog.db, 'nobody', T)).reason).toBe("principal 'nobody' does not exist");
    await setPrincipalDisabled(catalog.db, ADMIN, 'svc', true);
    expect(await mayStream(catalog.db, 'svc', T)).toMatchObject({ allowed: false, fixable: false });
    expect((await mayStream(catalog.db, 'svc', T)).reason).toContain('is disabled');
  });
});

describe('grantProducerAccess', () => {
  test('grants what is missing in one step, audited; then the principal may stream; again adds nothing', async () => {
    await grantPrivilege(catalog.db, ADMIN, {
      principalId: 'svc',
      privilege: 'MODIFY',
      securable: { type: 'table', name: T },
    });
    const added = await grantProducerAccess(catalog.db, ADMIN, {
      principalId: 'svc',
      table: 'Main.Sales.Orders',
    });
    expect(added.map((g) => `${g.privilege} ${g.securable.type}:${g.securable.name}`)).toEqual([
      'USE_CATALOG catalog:main',
      'USE_SCHEMA schema:main.sales',
      `SELECT table:${T}`,
    ]);
    expect((await mayStream(catalog.db, 'svc', T)).allowed).toBe(true);
    const audit = (await listAuditLog(catalog.db, {})).filter((e) => e.details.producerAccess === T);
    expect(audit.map((e) => `${e.action} ${e.target}`).sort()).toEqual([
      `grant.add SELECT table:${T}`,
      'grant.add USE_CATALOG catalog:main',
      'grant.add USE_SCHEMA schema:main.sales',
    ]);
    expect(await grantProducerAccess(catalog.db, ADMIN, { principalId: 'svc', table: T })).toEqual([]);
    expect(await listGrants(catalog.db, { principalId: 'svc' })).toHaveLength(4);
  });

  test('an unknown table or principal changes nothing', async () => {
    for (const input of [
      { principalId: 'svc', table: 'main.sales.nope' },
      { principalId: 'nobody', table: T },
    ]) {
      let code: string | undefined;
      try {
        await grantProducerAccess(catalog.db, ADMIN, input);
      } catch (error) {
        if (isCatalogError(error)) code = error.code;
      }
      expect(code).toBe('NOT_FOUND');
    }
    expect(await listGrants(catalog.db)).toEqual([]);
  });
});
