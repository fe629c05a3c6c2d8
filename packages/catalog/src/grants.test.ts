import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type CatalogErrorCode, isCatalogError } from './catalog-error.js';
import { PRIVILEGES, type Privilege, type SecurableType } from './grant-resolution.js';
import { canWrite, effectivePermissions, grantPrivilege, listGrants, revokePrivilege } from './grants.js';
import type { OpenCatalog } from './open-catalog.js';
import { setPrincipalDisabled } from './principals.js';
import { ADMIN, seededCatalog } from './test-support/seed.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await seededCatalog();
});
afterEach(() => catalog.close());

type G = readonly [Privilege, SecurableType, string];
const T = 'main.sales.orders';

async function grant(...grants: G[]): Promise<void> {
  for (const [privilege, type, name] of grants) {
    await grantPrivilege(catalog.db, ADMIN, { principalId: 'svc', privilege, securable: { type, name } });
  }
}

async function refusal(fn: () => unknown, code: CatalogErrorCode): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (isCatalogError(error, code)) return error.message;
    throw error;
  }
  throw new Error(`expected ${code}`);
}

const useBoth: G[] = [
  ['USE_CATALOG', 'catalog', 'main'],
  ['USE_SCHEMA', 'schema', 'main.sales'],
];
const who = "principal 'svc-orders' (id 'svc')";

describe('canWrite', () => {
  const cases: { name: string; grants: G[]; allowed: boolean; reason: string[] }[] = [
    {
      name: 'no grants',
      grants: [],
      allowed: false,
      reason: [
        `${who} has no MODIFY on '${T}' (nor on schema 'main.sales' or catalog 'main')`,
        `${who} has no USE_CATALOG on catalog 'main'`,
        `${who} has no USE_SCHEMA on schema 'main.sales' (nor on catalog 'main')`,
      ],
    },
    {
      name: 'MODIFY on the table with USE_CATALOG and USE_SCHEMA',
      grants: [...useBoth, ['MODIFY', 'table', T]],
      allowed: true,
      reason: [
        `${who} may write to '${T}'`,
        `MODIFY granted on table '${T}'`,
        "USE_CATALOG granted on catalog 'main', inherited by table",
        "USE_SCHEMA granted on schema 'main.sales', inherited by table",
      ],
    },
    {
      name: 'MODIFY inherited from the schema',
      grants: [...useBoth, ['MODIFY', 'schema', 'main.sales']],
      allowed: true,
      reason: [`MODIFY granted on schema 'main.sales', inherited by table '${T}'`],
    },
    {
      name: 'MODIFY and USE_SCHEMA inherited from the catalog',
      grants: [
        ['USE_CATALOG', 'catalog', 'main'],
        ['USE_SCHEMA', 'catalog', 'main'],
        ['MODIFY', 'catalog', 'main'],
      ],
      allowed: true,
      reason: [
        `MODIFY granted on catalog 'main', inherited by table '${T}'`,
        "USE_SCHEMA granted on catalog 'main'",
      ],
    },
    {
      name: 'missing USE_CATALOG',
      grants: [
        ['USE_SCHEMA', 'schema', 'main.sales'],
        ['MODIFY', 'table', T],
      ],
      allowed: false,
      reason: [`${who} has no USE_CATALOG on catalog 'main'`],
    },
    {
      name: 'missing USE_SCHEMA',
      grants: [
        ['USE_CATALOG', 'catalog', 'main'],
        ['MODIFY', 'table', T],
      ],
      allowed: false,
      reason: [`${who} has no USE_SCHEMA on schema 'main.sales' (nor on catalog 'main')`],
    },
    {
      name: 'USE_* without MODIFY',
      grants: [...useBoth],
      allowed: false,
      reason: [`${who} has no MODIFY on '${T}'`],
    },
    {
      name: 'SELECT is not MODIFY',
      grants: [...useBoth, ['SELECT', 'table', T], ['SELECT', 'catalog', 'main']],
      allowed: false,
      reason: [`${who} has no MODIFY on '${T}'`],
    },
    {
      name: 'USE_SCHEMA and MODIFY on a sibling schema do not count',
      grants: [
        ['USE_CATALOG', 'catalog', 'main'],
        ['USE_SCHEMA', 'schema', 'main.hr'],
        ['MODIFY', 'schema', 'main.hr'],
      ],
      allowed: false,
      reason: [`${who} has no MODIFY on '${T}'`, `${who} has no USE_SCHEMA on schema 'main.sales'`],
    },
    {
      name: 'MANAGE on the catalog implies everything below it',
      grants: [['MANAGE', 'catalog', 'main']],
      allowed: true,
      reason: [
        `MANAGE on catalog 'main' implies MODIFY, inherited by table '${T}'`,
        "MANAGE on catalog 'main' implies USE_CATALOG",
        "MANAGE on catalog 'main' implies USE_SCHEMA",
      ],
    },
    {
      name: 'MANAGE on the schema still needs USE_CATALOG',
      grants: [['MANAGE', 'schema', 'main.sales']],
      allowed: false,
      reason: [`${who} has no USE_CATALOG on catalog 'main'`],
    },
    {
      name: 'MANAGE on the schema with USE_CATALOG',
      grants: [
        ['MANAGE', 'schema', 'main.sales'],
        ['USE_CATALOG', 'catalog', 'main'],
      ],
      allowed: true,
      reason: [
        "MANAGE on schema 'main.sales' implies MODIFY",
        "MANAGE on schema 'main.sales' implies USE_SCHEMA",
      ],
    },
    {
      name: 'MANAGE on the table still needs USE_CATALOG and USE_SCHEMA',
      grants: [['MANAGE', 'table', T]],
      allowed: false,
      reason: [`${who} has no USE_CATALOG`, `${who} has no USE_SCHEMA`],
    },
    {
      name: 'MANAGE on the table with USE_CATALOG and USE_SCHEMA',
      grants: [...useBoth, ['MANAGE', 'table', T]],
      allowed: true,
      reason: [`MANAGE on table '${T}' implies MODIFY`],
    },
  ];

  test.each(cases)('$name', async ({ grants, allowed, reason }) => {
    await grant(...grants);
    const decision = await canWrite(catalog.db, 'svc', T);
    expect(decision.allowed).toBe(allowed);
    for (const words of reason) expect(decision.reason).toContain(words);
  });

  test('the most specific MODIFY names the reason', async () => {
    await grant(...useBoth, ['MODIFY', 'catalog', 'main'], ['MODIFY', 'table', T]);
    expect((await canWrite(catalog.db, 'svc', T)).reason).toContain(`MODIFY granted on table '${T}';`);
  });

  test('a disabled principal may not write, whatever its grants', async () => {
    await grant(['MANAGE', 'catalog', 'main']);
    await setPrincipalDisabled(catalog.db, ADMIN, 'svc', true);
    expect(await canWrite(catalog.db, 'svc', T)).toEqual({ allowed: false, reason: `${who} is disabled` });
    await setPrincipalDisabled(catalog.db, ADMIN, 'svc', false);
    expect((await canWrite(catalog.db, 'svc', T)).allowed).toBe(true);
  });

  test('unknown principals, unknown tables and bad names are answered, not thrown', async () => {
    expect(await canWrite(catalog.db, 'ghost', T)).toEqual({
      allowed: false,
      reason: "principal 'ghost' does not exist",
    });
    expect(await canWrite(catalog.db, 'svc', 'main.sales.nope')).toEqual({
      allowed: false,
      reason: "table 'main.sales.nope' does not exist",
    });
    expect((await canWrite(catalog.db, 'svc', 'orders')).reason).toContain('three-part table name');
  });

  test('names are case-insensitive', async () => {
    await grant(['MANAGE', 'catalog', 'MAIN']);
    expect((await canWrite(catalog.db, 'svc', 'Main.SALES.Orders')).allowed).toBe(true);
  });

  test('revoking a grant takes the permission away', async () => {
    await grant(...useBoth, ['MODIFY', 'table', T]);
    await revokePrivilege(catalog.db, ADMIN, {
      principalId: 'svc',
      privilege: 'MODIFY',
      securable: { type: 'table', name: T },
    });
    expect((await canWrite(catalog.db, 'svc', T)).allowed).toBe(false);
  });
});

describe('effectivePermissions: every privilege at every level', () => {
  const levels: readonly (readonly [SecurableType, string])[] = [
    ['catalog', 'main'],
    ['schema', 'main.sales'],
    ['table', T],
  ];
  // What one grant gives on main.sales.orders and on the sibling table main.hr.people; undefined: not grantable.
  const expected: Record<
    Privilege,
    Record<SecurableType, { orders: Privilege[]; people: Privilege[] } | undefined>
  > = {
    USE_CATALOG: {
      catalog: { orders: ['USE_CATALOG'], people: ['USE_CATALOG'] },
      schema: undefined,
      table: undefined,
    },
    USE_SCHEMA: {
      catalog: { orders: ['USE_SCHEMA'], people: ['USE_SCHEMA'] },
      schema: { orders: ['USE_SCHEMA'], people: [] },
      table: undefined,
    },
    MODIFY: {
      catalog: { orders: ['MODIFY'], people: ['MODIFY'] },
      schema: { orders: ['MODIFY'], people: [] },
      table: { orders: ['MODIFY'], people: [] },
    },
    SELECT: {
      catalog: { orders: ['SELECT'], people: ['SELECT'] },
      schema: { orders: ['SELECT'], people: [] },
      table: { orders: ['SELECT'], people: [] },
    },
    MANAGE: {
      catalog: { orders: [...PRIVILEGES], people: [...PRIVILEGES] },
      schema: { orders: ['USE_SCHEMA', 'MODIFY', 'SELECT', 'MANAGE'], people: [] },
      table: { orders: ['MODIFY', 'SELECT', 'MANAGE'], people: [] },
    },
  };
  const matrix = PRIVILEGES.flatMap((privilege) =>
    levels.map(([type, name]) => ({ privilege, type, name, want: expected[privilege][type] })),
  );

  test.each(matrix)('$privilege on $type $name', async ({ privilege, type, name, want }) => {
    const input = { principalId: 'svc', privilege, securable: { type, name } };
    if (want === undefined) {
      expect(
        await refusal(async () => await grantPrivilege(catalog.db, ADMIN, input), 'INVALID_GRANT'),
      ).toContain(`${privilege} cannot be granted on a ${type}`);
      return;
    }
    await grantPrivilege(catalog.db, ADMIN, input);
    const on = async (table: string) =>
      (await effectivePermissions(catalog.db, 'svc', { type: 'table', name: table })).map((p) => p.privilege);
    expect(await on(T)).toEqual(want.orders);
    expect(await on('main.hr.people')).toEqual(want.people);
  });
});

describe('effectivePermissions: the grant each comes from, and why', () => {
  test('direct, inherited and implied permissions, outermost grant first', async () => {
    await grant(['USE_CATALOG', 'catalog', 'main'], ['MODIFY', 'catalog', 'main'], ['MANAGE', 'table', T]);
    const permissions = await effectivePermissions(catalog.db, 'svc', { type: 'table', name: T });
    expect(permissions.map((p) => [p.privilege, p.grant.securable.type, p.inherited, p.reason])).toEqual([
      ['USE_CATALOG', 'catalog', true, `USE_CATALOG granted on catalog 'main', inherited by table '${T}'`],
      ['MODIFY', 'catalog', true, `MODIFY granted on catalog 'main', inherited by table '${T}'`],
      ['MODIFY', 'table', false, `MANAGE on table '${T}' implies MODIFY`],
      ['SELECT', 'table', false, `MANAGE on table '${T}' implies SELECT`],
      ['MANAGE', 'table', false, `MANAGE granted on table '${T}'`],
    ]);
    const ids = new Set((await listGrants(catalog.db, { principalId: 'svc' })).map((g) => g.id));
    for (const p of permissions) expect(ids.has(p.grant.id)).toBe(true);
  });

  test('on a schema and a catalog, grants below them do not count', async () => {
    await grant(
      ['MODIFY', 'table', T],
      ['SELECT', 'schema', 'main.sales'],
      ['USE_CATALOG', 'catalog', 'main'],
    );
    expect(
      (await effectivePermissions(catalog.db, 'svc', { type: 'schema', name: 'main.sales' })).map(
        (p) => p.reason,
      ),
    ).toEqual([
      "USE_CATALOG granted on catalog 'main', inherited by schema 'main.sales'",
      "SELECT granted on schema 'main.sales'",
    ]);
    expect(
      (await effectivePermissions(catalog.db, 'svc', { type: 'catalog', name: 'main' })).map((p) => p.reason),
    ).toEqual(["USE_CATALOG granted on catalog 'main'"]);
  });

  test('unknown principals and securables are NOT_FOUND', async () => {
    expect(
      await refusal(
        async () => await effectivePermissions(catalog.db, 'ghost', { type: 'catalog', name: 'main' }),
        'NOT_FOUND',
      ),
    ).toBe("principal 'ghost' does not exist");
    expect(
      await refusal(
        async () => await effectivePermissions(catalog.db, 'svc', { type: 'schema', name: 'main.x' }),
        'NOT_FOUND',
      ),
    ).toBe("schema 'main.x' does not exist");
  });
});

describe('grant and revoke', () => {
  test('listing names every securable', async () => {
    await grant(
      ['USE_CATALOG', 'catalog', 'main'],
      ['USE_SCHEMA', 'schema', 'main.sales'],
      ['MODIFY', 'table', T],
    );
    expect(
      (await listGrants(catalog.db)).map((g) => [g.principalId, g.privilege, g.securable, g.grantedBy]),
    ).toEqual([
      ['svc', 'USE_CATALOG', { type: 'catalog', name: 'main' }, 'admin'],
      ['svc', 'USE_SCHEMA', { type: 'schema', name: 'main.sales' }, 'admin'],
      ['svc', 'MODIFY', { type: 'table', name: T }, 'admin'],
    ]);
    expect(await listGrants(catalog.db, { principalId: 'admin' })).toEqual([]);
  });

  test('a duplicate grant, a missing grant, principal or securable are refused in words', async () => {
    await grant(['MODIFY', 'table', T]);
    const input = { principalId: 'svc', privilege: 'MODIFY', securable: { type: 'table', name: T } } as const;
    expect(await refusal(async () => await grantPrivilege(catalog.db, ADMIN, input), 'ALREADY_EXISTS')).toBe(
      `principal 'svc-orders' already holds MODIFY on table '${T}'`,
    );
    expect(
      await refusal(
        async () => await grantPrivilege(catalog.db, ADMIN, { ...input, principalId: 'ghost' }),
        'NOT_FOUND',
      ),
    ).toBe("principal 'ghost' does not exist");
    expect(
      await refusal(
        async () =>
          await grantPrivilege(catalog.db, ADMIN, {
            ...input,
            securable: { type: 'table', name: 'main.sales.x' },
          }),
        'NOT_FOUND',
      ),
    ).toBe("table 'main.sales.x' does not exist");
    expect(
      await refusal(
        async () => await revokePrivilege(catalog.db, ADMIN, { ...input, privilege: 'SELECT' }),
        'NOT_FOUND',
      ),
    ).toBe(`principal 'svc' holds no SELECT granted on table '${T}'`);
    expect(
      await refusal(
        async () => await grantPrivilege(catalog.db, ADMIN, { ...input, privilege: 'USE_CATALOG' }),
        'INVALID_GRANT',
      ),
    ).toBe('USE_CATALOG cannot be granted on a table; it is granted on catalogs only');
  });
});
