import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
// Test-only imports of the ingest node's own contract: the snapshot must be exactly what a node accepts, and a
// node must decide writes as canWrite does. Nothing in src/ imports apps/ingest.
import { createCatalogView } from '../../../apps/ingest/src/catalog/create-catalog-view.js';
import { parseCatalogSnapshot } from '../../../apps/ingest/src/catalog/snapshot-schema.js';
import { getCatalogVersion } from './audit.js';
import { createCredential, revokeCredential } from './credentials.js';
import { decideWrite, type Privilege, type ResolvedGrant, type SecurableType } from './grant-resolution.js';
import { canWrite, grantPrivilege } from './grants.js';
import type { OpenCatalog } from './open-catalog.js';
import { createUser, setPrincipalDisabled } from './principals.js';
import { buildProvisioningSnapshot, type SnapshotOptions } from './snapshot.js';
import { createTable } from './tables.js';
import { ADMIN, seededCatalog } from './test-support/seed.js';

let catalog: OpenCatalog;
beforeEach(() => {
  catalog = seededCatalog();
});
afterEach(() => catalog.close());

function tokenKey(kid: string): SnapshotOptions['tokenKeys'][number] {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  return { kid, alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x! } };
}

const OPTIONS: SnapshotOptions = {
  issuer: 'https://console.lakestream.test',
  audience: 'lakestream-ingest',
  tokenKeys: [tokenKey('k1')],
};

describe('buildProvisioningSnapshot', () => {
  test('is exactly what the ingest node validates, already in normal form', async () => {
    createTable(catalog.db, ADMIN, {
      name: 'main.sales.events',
      columns: [
        { name: 'id', type: 'long', nullable: false, comment: 'key' },
        {
          name: 'payload',
          type: {
            type: 'struct',
            fields: [
              { name: 'tags', type: { type: 'map', keyType: 'string', valueType: 'string' } },
              { name: 'amounts', type: { type: 'array', elementType: 'decimal(10,2)' } },
            ],
          },
        },
        { name: 'at', type: 'timestamp' },
      ],
      properties: { 'delta.appendOnly': 'true' },
    });
    createUser(catalog.db, ADMIN, { id: 'bob', name: 'bob@example.com', role: 'viewer' });
    setPrincipalDisabled(catalog.db, ADMIN, 'bob', true);
    for (const [privilege, type, name] of [
      ['USE_CATALOG', 'catalog', 'main'],
      ['USE_SCHEMA', 'schema', 'main.sales'],
      ['MODIFY', 'table', 'main.sales.events'],
      ['SELECT', 'catalog', 'main'],
    ] as const) {
      grantPrivilege(catalog.db, ADMIN, { principalId: 'svc', privilege, securable: { type, name } });
    }
    const expiresAt = Date.now() + 86_400_000;
    const live = await createCredential(catalog.db, ADMIN, 'svc', { expiresAt });
    const revoked = await createCredential(catalog.db, ADMIN, 'svc');
    revokeCredential(catalog.db, ADMIN, revoked.clientId);

    const snapshot = buildProvisioningSnapshot(catalog.db, OPTIONS);
    const parsed = parseCatalogSnapshot(JSON.parse(JSON.stringify(snapshot)));
    expect(parsed).toEqual(snapshot);

    expect(snapshot.version).toBe(getCatalogVersion(catalog.db));
    expect(snapshot.tables.map((t) => t.name)).toEqual([
      'main.hr.people',
      'main.sales.events',
      'main.sales.orders',
    ]);
    expect(snapshot.tables[1]!.schema.fields[0]).toEqual({
      name: 'id',
      type: 'long',
      nullable: false,
      metadata: { comment: 'key' },
    });
    expect(snapshot.principals).toContainEqual({
      id: 'bob',
      name: 'bob@example.com',
      kind: 'user',
      disabled: true,
    });
    expect(snapshot.credentials).toEqual(
      [
        { id: live.clientId, principalId: 'svc', kind: 'oauth_client', revoked: false, expiresAt },
        { id: revoked.clientId, principalId: 'svc', kind: 'oauth_client', revoked: true },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    const json = JSON.stringify(snapshot);
    for (const secret of [live.clientSecret, revoked.clientSecret, 'scrypt$'])
      expect(json).not.toContain(secret);

    // The node decides as canWrite does, on this very snapshot.
    const view = createCatalogView(parsed);
    for (const table of ['main.sales.events', 'main.sales.orders', 'main.hr.people']) {
      for (const principal of ['svc', 'admin', 'bob']) {
        expect(view.authorizeWrite(principal, table).allowed, `${principal} on ${table}`).toBe(
          canWrite(catalog.db, principal, table).allowed,
        );
      }
    }
    expect(view.authorizeWrite('svc', 'main.sales.events').allowed).toBe(true);
  });

  test('an empty catalog gives a valid snapshot; every change gives a higher version', () => {
    const before = buildProvisioningSnapshot(catalog.db, { ...OPTIONS, tokenKeys: [] });
    expect(() => parseCatalogSnapshot(before)).not.toThrow();
    grantPrivilege(catalog.db, ADMIN, {
      principalId: 'svc',
      privilege: 'SELECT',
      securable: { type: 'catalog', name: 'main' },
    });
    const after = buildProvisioningSnapshot(catalog.db, OPTIONS);
    expect(after.version).toBe(before.version + 1);
    expect(after.grants).toEqual([
      { principalId: 'svc', privilege: 'SELECT', securable: { type: 'catalog', name: 'main' } },
    ]);
  });
});

describe('grant resolution agrees with the ingest node on every combination of grants', () => {
  const candidates: readonly (readonly [Privilege, SecurableType, string])[] = [
    ['USE_CATALOG', 'catalog', 'main'],
    ['USE_SCHEMA', 'catalog', 'main'],
    ['USE_SCHEMA', 'schema', 'main.sales'],
    ['MODIFY', 'catalog', 'main'],
    ['MODIFY', 'schema', 'main.sales'],
    ['MODIFY', 'table', 'main.sales.orders'],
    ['SELECT', 'table', 'main.sales.orders'],
    ['MANAGE', 'catalog', 'main'],
    ['MANAGE', 'schema', 'main.sales'],
    ['MANAGE', 'table', 'main.sales.orders'],
    ['USE_SCHEMA', 'schema', 'main.hr'],
    ['MODIFY', 'schema', 'main.hr'],
  ];

  test(`all ${2 ** candidates.length} subsets of ${candidates.length} grants, on two tables`, () => {
    const principal = { id: 'svc', name: 'svc', disabled: false };
    let allowedSome = 0;
    for (let mask = 0; mask < 2 ** candidates.length; mask++) {
      const grants: ResolvedGrant[] = candidates
        .filter((_, i) => (mask & (1 << i)) !== 0)
        .map(([privilege, type, name], i) => ({
          id: String(i),
          principalId: 'svc',
          privilege,
          securable: { type, name },
        }));
      const view = createCatalogView(
        parseCatalogSnapshot({
          version: 1,
          issuer: 'i',
          audience: 'a',
          tables: [],
          principals: [{ id: 'svc', name: 'svc', kind: 'service' }],
          grants: grants.map(({ principalId, privilege, securable }) => ({
            principalId,
            privilege,
            securable,
          })),
          credentials: [],
          tokenKeys: [],
        }),
      );
      for (const table of ['main.sales.orders', 'main.hr.people']) {
        const ours = decideWrite(principal, grants, table, 'svc');
        const theirs = view.authorizeWrite('svc', table);
        if (ours.allowed !== theirs.allowed) {
          throw new Error(
            `disagree on ${table} with ${JSON.stringify(grants)}: ${ours.reason} / ${theirs.reason}`,
          );
        }
        if (ours.allowed) allowedSome++;
      }
    }
    expect(allowedSome).toBeGreaterThan(0);
  });
});
