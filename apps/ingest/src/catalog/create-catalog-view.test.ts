import { describe, expect, it } from 'vitest';
import { createCatalogView } from './create-catalog-view.js';
import { snapshotFixture } from './snapshot-fixture.js';
import {
  type CatalogSnapshotInput,
  PRIVILEGES,
  type Privilege,
  parseCatalogSnapshot,
} from './snapshot-schema.js';

type Level = 'catalog' | 'schema' | 'table';
const NAMES: Record<Level, string> = { catalog: 'main', schema: 'main.sales', table: 'main.sales.orders' };
const TABLE = 'main.sales.orders';

/** `'MODIFY table:main.sales.orders'` → a grant of principal `p`. */
function grant(spec: string, principalId = 'p'): CatalogSnapshotInput['grants'][number] {
  const [privilege, securable] = spec.split(' ') as [Privilege, string];
  const [type, name] = securable.split(':') as [Level, string];
  return { principalId, privilege, securable: { type, name } } as CatalogSnapshotInput['grants'][number];
}

function viewWith(grants: string[], extra: Partial<CatalogSnapshotInput> = {}) {
  return createCatalogView(
    parseCatalogSnapshot(
      snapshotFixture({
        principals: [
          { id: 'p', name: 'svc-orders', kind: 'service' },
          { id: 'other', name: 'other', kind: 'user' },
          { id: 'off', name: 'off', kind: 'service', disabled: true },
        ],
        grants: grants.map((g) => grant(g)),
        ...extra,
      }),
    ),
  );
}

const USE = ['USE_CATALOG catalog:main', 'USE_SCHEMA schema:main.sales'];

describe('authorizeWrite: every privilege at every level', () => {
  const cases: { privilege: Privilege; level: Level; withUse: boolean; allowed: boolean }[] = [];
  for (const privilege of PRIVILEGES) {
    for (const level of ['catalog', 'schema', 'table'] as const) {
      // With USE_CATALOG + USE_SCHEMA: MODIFY or MANAGE at any level grants the write.
      cases.push({
        privilege,
        level,
        withUse: true,
        allowed: privilege === 'MODIFY' || privilege === 'MANAGE',
      });
      // Alone: only MANAGE on the catalog implies USE_CATALOG, USE_SCHEMA and MODIFY together.
      cases.push({
        privilege,
        level,
        withUse: false,
        allowed: privilege === 'MANAGE' && level === 'catalog',
      });
    }
  }
  it.each(cases)('$privilege on $level (with USE_*: $withUse) → allowed $allowed', (c) => {
    const grants = [`${c.privilege} ${c.level}:${NAMES[c.level]}`, ...(c.withUse ? USE : [])];
    const decision = viewWith(grants).authorizeWrite('p', TABLE);
    expect(decision.allowed, decision.reason).toBe(c.allowed);
  });
});

describe('authorizeWrite: inheritance, USE_* and reasons', () => {
  const cases: {
    name: string;
    grants: string[];
    principal?: string;
    table?: string;
    allowed: boolean;
    reason?: string;
  }[] = [
    {
      name: 'the example refusal',
      grants: [...USE, 'SELECT table:main.sales.orders'],
      allowed: false,
      reason:
        "principal 'svc-orders' (id 'p') has no MODIFY on 'main.sales.orders' (nor on schema 'main.sales' or catalog 'main')",
    },
    {
      name: 'MODIFY on a sibling table does not count',
      grants: [...USE, 'MODIFY table:main.sales.refunds'],
      allowed: false,
      reason: 'has no MODIFY',
    },
    {
      name: 'MODIFY on another schema does not count',
      grants: [...USE, 'MODIFY schema:main.hr'],
      allowed: false,
    },
    {
      name: 'MODIFY on another catalog does not count',
      grants: [...USE, 'MODIFY catalog:dev'],
      allowed: false,
    },
    {
      name: 'missing USE_CATALOG',
      grants: ['USE_SCHEMA schema:main.sales', 'MODIFY table:main.sales.orders'],
      allowed: false,
      reason: "principal 'svc-orders' (id 'p') has no USE_CATALOG on catalog 'main'",
    },
    {
      name: 'missing USE_SCHEMA',
      grants: ['USE_CATALOG catalog:main', 'MODIFY table:main.sales.orders'],
      allowed: false,
      reason:
        "principal 'svc-orders' (id 'p') has no USE_SCHEMA on schema 'main.sales' (nor on catalog 'main')",
    },
    {
      name: 'missing both USE_* lists both',
      grants: ['MODIFY table:main.sales.orders'],
      allowed: false,
      reason: "no USE_CATALOG on catalog 'main'; principal 'svc-orders' (id 'p') has no USE_SCHEMA",
    },
    {
      name: 'USE_SCHEMA on the catalog is inherited by its schemas',
      grants: ['USE_CATALOG catalog:main', 'USE_SCHEMA catalog:main', 'MODIFY table:main.sales.orders'],
      allowed: true,
    },
    {
      name: 'USE_SCHEMA on another schema does not count',
      grants: ['USE_CATALOG catalog:main', 'USE_SCHEMA schema:main.hr', 'MODIFY table:main.sales.orders'],
      allowed: false,
    },
    {
      name: 'USE_CATALOG on a schema means nothing',
      grants: [
        'USE_CATALOG schema:main.sales',
        'USE_SCHEMA schema:main.sales',
        'MODIFY table:main.sales.orders',
      ],
      allowed: false,
      reason: 'no USE_CATALOG',
    },
    {
      name: 'USE_SCHEMA on the table means nothing',
      grants: [
        'USE_CATALOG catalog:main',
        'USE_SCHEMA table:main.sales.orders',
        'MODIFY table:main.sales.orders',
      ],
      allowed: false,
      reason: 'no USE_SCHEMA',
    },
    {
      name: 'MANAGE on the schema gives USE_SCHEMA and MODIFY, not USE_CATALOG',
      grants: ['MANAGE schema:main.sales'],
      allowed: false,
      reason: "principal 'svc-orders' (id 'p') has no USE_CATALOG on catalog 'main'",
    },
    {
      name: 'MANAGE on the schema plus USE_CATALOG',
      grants: ['MANAGE schema:main.sales', USE[0]!],
      allowed: true,
    },
    { name: 'MANAGE on another catalog', grants: ['MANAGE catalog:dev'], allowed: false },
    {
      name: "another principal's grants do not count",
      grants: [...USE, 'MODIFY table:main.sales.orders'],
      principal: 'other',
      allowed: false,
      reason: "principal 'other' has no MODIFY",
    },
    {
      name: 'a disabled principal may not write',
      grants: [],
      principal: 'off',
      allowed: false,
      reason: "principal 'off' is disabled",
    },
    {
      name: 'an unknown principal may not write',
      grants: [],
      principal: 'ghost',
      allowed: false,
      reason: "principal 'ghost' is not provisioned on this node",
    },
    {
      name: 'names are case-insensitive',
      grants: ['USE_CATALOG catalog:MAIN', 'USE_SCHEMA schema:Main.Sales', 'MODIFY table:MAIN.SALES.ORDERS'],
      table: 'Main.Sales.Orders',
      allowed: true,
    },
    {
      name: 'a two-part name is refused',
      grants: [...USE, 'MODIFY catalog:main'],
      table: 'sales.orders',
      allowed: false,
      reason: "'sales.orders' is not a three-part table name",
    },
  ];
  it.each(cases)('$name', (c) => {
    const grants = c.grants.map((g) => grant(g));
    const view = viewWith([], { grants });
    const decision = view.authorizeWrite(c.principal ?? 'p', c.table ?? TABLE);
    expect(decision.allowed, decision.reason).toBe(c.allowed);
    if (c.reason !== undefined) expect(decision.reason).toContain(c.reason);
  });

  it('says where MODIFY came from when allowed', () => {
    expect(viewWith([...USE, 'MODIFY schema:main.sales']).authorizeWrite('p', TABLE).reason).toBe(
      "principal 'svc-orders' (id 'p') has MODIFY on 'main.sales.orders' through schema 'main.sales'",
    );
  });
});

describe('table, revocation and the credential directory', () => {
  const view = createCatalogView(
    parseCatalogSnapshot(
      snapshotFixture({
        principals: [
          { id: 'svc-orders', name: 'svc-orders', kind: 'service' },
          { id: 'off', name: 'off', kind: 'service', disabled: true },
        ],
        grants: [],
        credentials: [
          { id: 'c-ok', principalId: 'svc-orders', kind: 'oauth_client' },
          { id: 'c-revoked', principalId: 'svc-orders', kind: 'oauth_client', revoked: true },
          {
            id: 'c-expired',
            principalId: 'svc-orders',
            kind: 'oauth_client',
            expiresAt: '2001-01-01T00:00:00Z',
          },
          { id: 'c-off', principalId: 'off', kind: 'oauth_client' },
        ],
      }),
    ),
  );

  it('finds tables case-insensitively, with their schema and properties', () => {
    const table = view.table('MAIN.Sales.ORDERS');
    expect(table?.name).toBe('main.sales.orders');
    expect(table?.schema.fields.map((f) => f.name)).toEqual(['id', 'item']);
    expect(table?.properties).toEqual({ 'delta.appendOnly': 'true' });
    expect(view.table('main.sales.nope')).toBeUndefined();
  });

  it.each([
    ['svc-orders', 'c-ok', undefined],
    ['svc-orders', 'c-revoked', 'the credential c-revoked was revoked; get a new one'],
    [
      'svc-orders',
      'c-expired',
      'the credential c-expired expired at 2001-01-01T00:00:00.000Z; get a new one',
    ],
    ['svc-orders', 'c-gone', 'the credential c-gone is no longer provisioned on this node; get a new one'],
    [
      'svc-orders',
      'c-off',
      "the credential c-off no longer belongs to principal 'svc-orders'; get a new one",
    ],
    [
      'off',
      'c-off',
      "principal 'off' was disabled; ask a catalog admin to enable it, or use another principal's credential",
    ],
    [
      'ghost',
      'c-ok',
      "principal 'ghost' is no longer provisioned on this node; use the credential of a provisioned principal",
    ],
  ] as const)('revocation(%s, %s) → %s', (principal, credential, reason) => {
    expect(view.revocation(principal, credential)).toBe(reason);
  });

  it('normalises credentials (ISO expiry → ms, flags → booleans)', () => {
    expect(view.credential('c-expired')).toEqual({
      id: 'c-expired',
      principalId: 'svc-orders',
      kind: 'oauth_client',
      tokenHash: undefined,
      revoked: false,
      expiresAt: Date.parse('2001-01-01T00:00:00Z'),
    });
    expect(view.principal('off')?.disabled).toBe(true);
    expect(view.tokenIssuer).toBe('https://control-plane.lakestream.test');
    expect(view.tokenAudience).toBe('lakestream-ingest');
  });
});
