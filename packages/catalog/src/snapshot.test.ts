import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { getCatalogVersion } from './audit.js';
import { createCredential, revokeCredential } from './credentials.js';
import { decideWrite, type WriteDecision } from './grant-resolution.js';
import { canWrite, grantPrivilege } from './grants.js';
import type { OpenCatalog } from './open-catalog.js';
import { createUser, setPrincipalDisabled } from './principals.js';
import { buildProvisioningSnapshot, type SnapshotOptions } from './snapshot.js';
import { type CatalogSnapshot, checkCatalogSnapshot } from './snapshot-schema.js';
import { createTable } from './tables.js';
import { ADMIN, seededCatalog } from './test-support/seed.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await seededCatalog();
});
afterEach(() => catalog.close());

// The snapshot must be exactly what a node accepts (the contract's schema, which nodes validate with), and a
// node must decide writes as canWrite does: from the snapshot alone, by the same grant resolution.

/** Validates as an ingest node does; throws listing the problems. */
function parseCatalogSnapshot(value: unknown): CatalogSnapshot {
  const check = checkCatalogSnapshot(value);
  if (!check.ok) throw new Error(check.problems.join('; '));
  return check.snapshot;
}

/** What a node provisioned with `snapshot` decides (createCatalogView's authorizeWrite, by its inputs). */
function nodeView(snapshot: CatalogSnapshot) {
  return {
    authorizeWrite(principalId: string, table: string): WriteDecision {
      const p = snapshot.principals.find((x) => x.id === principalId);
      const principal = p && { id: p.id, name: p.name, disabled: p.disabled === true };
      const grants = snapshot.grants.filter((g) => g.principalId === principalId);
      return decideWrite(principal, grants, table, principalId);
    },
  };
}

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
    await createTable(catalog.db, ADMIN, {
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
    await createUser(catalog.db, ADMIN, { id: 'bob', name: 'bob@example.com', role: 'viewer' });
    await setPrincipalDisabled(catalog.db, ADMIN, 'bob', true);
    for (const [privilege, type, name] of [
      ['USE_CATALOG', 'catalog', 'main'],
      ['USE_SCHEMA', 'schema', 'main.sales'],
      ['MODIFY', 'table', 'main.sales.events'],
      ['SELECT', 'catalog', 'main'],
    ] as const) {
      await grantPrivilege(catalog.db, ADMIN, { principalId: 'svc', privilege, securable: { type, name } });
    }
    const expiresAt = Date.now() + 86_400_000;
    const live = await createCredential(catalog.db, ADMIN, 'svc', { expiresAt });
    const revoked = await createCredential(catalog.db, ADMIN, 'svc');
    await revokeCredential(catalog.db, ADMIN, revoked.clientId);

    const snapshot = await buildProvisioningSnapshot(catalog.db, OPTIONS);
    const parsed = parseCatalogSnapshot(JSON.parse(JSON.stringify(snapshot)));
    expect(parsed).toEqual(snapshot);

    expect(snapshot.version).toBe(await getCatalogVersion(catalog.db));
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
    const view = nodeView(parsed);
    for (const table of ['main.sales.events', 'main.sales.orders', 'main.hr.people']) {
      for (const principal of ['svc', 'admin', 'bob']) {
        expect(view.authorizeWrite(principal, table).allowed, `${principal} on ${table}`).toBe(
          (await canWrite(catalog.db, principal, table)).allowed,
        );
      }
    }
    expect(view.authorizeWrite('svc', 'main.sales.events').allowed).toBe(true);
  });

  test('an empty catalog gives a valid snapshot; every change gives a higher version', async () => {
    const before = await buildProvisioningSnapshot(catalog.db, { ...OPTIONS, tokenKeys: [] });
    expect(() => parseCatalogSnapshot(before)).not.toThrow();
    await grantPrivilege(catalog.db, ADMIN, {
      principalId: 'svc',
      privilege: 'SELECT',
      securable: { type: 'catalog', name: 'main' },
    });
    const after = await buildProvisioningSnapshot(catalog.db, OPTIONS);
    expect(after.version).toBe(before.version + 1);
    expect(after.grants).toEqual([
      { principalId: 'svc', privilege: 'SELECT', securable: { type: 'catalog', name: 'main' } },
    ]);
  });
});
