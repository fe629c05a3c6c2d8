import { describe, expect, it } from 'vitest';
import { isProvisioningError } from './provisioning-error.js';
import { snapshotFixture } from './snapshot-fixture.js';
import { type CatalogSnapshotInput, parseCatalogSnapshot } from './snapshot-schema.js';

const HASH = `sha256:${'ab'.repeat(32)}`;
const X = 'A'.repeat(43);

/** The message of the `ProvisioningError` that parsing `value` throws. */
function refusal(value: unknown): string {
  try {
    parseCatalogSnapshot(value);
  } catch (error) {
    if (isProvisioningError(error, 'INVALID_SNAPSHOT')) return error.message;
    throw error;
  }
  throw new Error('the snapshot was accepted');
}

function withTable(table: Record<string, unknown>): unknown {
  const base = snapshotFixture().tables[0]!;
  return snapshotFixture({ tables: [{ ...base, ...table } as CatalogSnapshotInput['tables'][number]] });
}

describe('parseCatalogSnapshot', () => {
  it('accepts the fixture and normalises names, expiries and defaults', () => {
    const snapshot = parseCatalogSnapshot(
      snapshotFixture({
        tables: [{ ...snapshotFixture().tables[0]!, name: 'Main.Sales.ORDERS', properties: undefined }],
        grants: [
          {
            principalId: 'svc-orders',
            privilege: 'MODIFY',
            securable: { type: 'schema', name: 'MAIN.Sales' },
          },
        ],
        credentials: [
          {
            id: 'tok-1',
            principalId: 'svc-orders',
            kind: 'producer_token',
            tokenHash: HASH,
            expiresAt: '2030-01-01T00:00:00Z',
          },
        ],
      }),
    );
    expect(snapshot.tables[0]?.name).toBe('main.sales.orders');
    expect(snapshot.tables[0]?.properties).toEqual({});
    expect(snapshot.grants[0]?.securable).toEqual({ type: 'schema', name: 'main.sales' });
    expect(snapshot.credentials[0]?.expiresAt).toBe(Date.parse('2030-01-01T00:00:00Z'));
    // A parsed snapshot is valid input again (it is what the store writes) and parses to itself.
    expect(parseCatalogSnapshot(JSON.parse(JSON.stringify(snapshot)))).toEqual(snapshot);
  });

  it.each<[string, unknown, string]>([
    ['not an object', 'hello', '(snapshot): '],
    ['a negative version', snapshotFixture({ version: -1 }), 'version: '],
    ['a fractional version', snapshotFixture({ version: 1.5 }), 'version: '],
    ['a missing issuer', { ...snapshotFixture(), issuer: undefined }, 'issuer: '],
    ['an empty audience', snapshotFixture({ audience: '' }), 'audience: expected the token audience (aud)'],
    ['an unknown top-level field', { ...snapshotFixture(), extra: 1 }, 'extra'],
    [
      'a two-part table name',
      withTable({ name: 'sales.orders' }),
      "tables[0].name: expected a three-part table name 'catalog.schema.table'",
    ],
    [
      'a table name with a space',
      withTable({ name: 'main.sales.my orders' }),
      'tables[0].name: expected a three-part',
    ],
    [
      'an empty location',
      withTable({ location: '' }),
      'tables[0].location: expected a directory path or URL',
    ],
    [
      'a schema that is not a struct',
      withTable({ schema: { type: 'array' } }),
      'tables[0].schema: invalid Delta schema',
    ],
    [
      'a schema with an unknown column type',
      withTable({ schema: { type: 'struct', fields: [{ name: 'a', type: 'varchar', nullable: true }] } }),
      'tables[0].schema: invalid Delta schema at a: unknown type "varchar"',
    ],
    ['a non-string property', withTable({ properties: { a: 1 } }), 'tables[0].properties.a: '],
    [
      'duplicate tables (case-insensitively)',
      snapshotFixture({
        tables: [
          snapshotFixture().tables[0]!,
          { ...snapshotFixture().tables[0]!, name: 'MAIN.sales.orders' },
        ],
      }),
      "tables[1]: duplicate 'main.sales.orders'",
    ],
    [
      'a principal of unknown kind',
      snapshotFixture({ principals: [{ id: 'a', name: 'a', kind: 'robot' as 'user' }], grants: [] }),
      'principals[0].kind: ',
    ],
    [
      'duplicate principals',
      snapshotFixture({
        principals: [
          { id: 'a', name: 'a', kind: 'user' },
          { id: 'a', name: 'b', kind: 'user' },
        ],
        grants: [],
      }),
      "principals[1]: duplicate 'a'",
    ],
    [
      'an unknown privilege',
      snapshotFixture({
        grants: [
          {
            principalId: 'svc-orders',
            privilege: 'WRITE' as 'MODIFY',
            securable: { type: 'table', name: 'main.sales.orders' },
          },
        ],
      }),
      'grants[0].privilege: ',
    ],
    [
      'a grant to an unknown principal',
      snapshotFixture({
        grants: [{ principalId: 'ghost', privilege: 'MODIFY', securable: { type: 'catalog', name: 'main' } }],
      }),
      "grants[0].principalId: unknown principal 'ghost'",
    ],
    [
      'a schema securable with one part',
      snapshotFixture({
        grants: [
          { principalId: 'svc-orders', privilege: 'USE_SCHEMA', securable: { type: 'schema', name: 'main' } },
        ],
      }),
      "grants[0].securable.name: expected a schema name 'catalog.schema'",
    ],
    [
      'an unknown securable type',
      snapshotFixture({
        grants: [
          {
            principalId: 'svc-orders',
            privilege: 'MODIFY',
            securable: { type: 'volume' as 'table', name: 'x' },
          },
        ],
      }),
      'grants[0].securable.type',
    ],
    [
      'a producer token without its hash',
      snapshotFixture({ credentials: [{ id: 't1', principalId: 'svc-orders', kind: 'producer_token' }] }),
      'credentials[0].tokenHash: a producer token needs its tokenHash',
    ],
    [
      'a producer token id with an underscore',
      snapshotFixture({
        credentials: [{ id: 't_1', principalId: 'svc-orders', kind: 'producer_token', tokenHash: HASH }],
      }),
      'credentials[0].id: a producer token id is letters, digits and dashes only (no underscore)',
    ],
    [
      'a malformed token hash',
      snapshotFixture({
        credentials: [{ id: 't1', principalId: 'svc-orders', kind: 'producer_token', tokenHash: 'md5:00' }],
      }),
      "credentials[0].tokenHash: expected 'sha256:' and 64 lower-case hex digits",
    ],
    [
      'a credential of an unknown principal',
      snapshotFixture({ credentials: [{ id: 'c', principalId: 'ghost', kind: 'oauth_client' }] }),
      "credentials[0].principalId: unknown principal 'ghost'",
    ],
    [
      'an unparseable expiry',
      snapshotFixture({
        credentials: [{ id: 'c', principalId: 'svc-orders', kind: 'oauth_client', expiresAt: 'tomorrow' }],
      }),
      'credentials[0].expiresAt: ',
    ],
    [
      'a key of another algorithm',
      snapshotFixture({
        tokenKeys: [{ kid: 'k', alg: 'RS256' as 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: X } }],
      }),
      'tokenKeys[0].alg: ',
    ],
    [
      'a key with its private part',
      {
        ...snapshotFixture(),
        tokenKeys: [{ kid: 'k', alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: X, d: X } }],
      },
      'tokenKeys[0].publicJwk.d: a public key must not carry the private part (d)',
    ],
    [
      'a key of another curve',
      snapshotFixture({
        tokenKeys: [{ kid: 'k', alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'X25519' as 'Ed25519', x: X } }],
      }),
      'tokenKeys[0].publicJwk.crv: ',
    ],
    [
      'duplicate key ids',
      snapshotFixture({
        tokenKeys: [
          { kid: 'k', alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: X } },
          { kid: 'k', alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: X } },
        ],
      }),
      "tokenKeys[1]: duplicate 'k'",
    ],
  ])('refuses %s', (_name, value, expected) => {
    const message = refusal(value);
    expect(message).toMatch(/^invalid catalog snapshot: /);
    expect(message).toContain(expected);
  });

  it('lists every problem at once', () => {
    const message = refusal({ ...snapshotFixture({ version: -1, audience: '' }), tables: [{ name: 'x' }] });
    expect(message).toContain('version: ');
    expect(message).toContain('audience: ');
    expect(message).toContain('tables[0].name: ');
    expect(message).toContain('tables[0].location: ');
  });
});
