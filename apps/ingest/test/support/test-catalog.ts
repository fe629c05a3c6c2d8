import { loadSchema } from '@lakestream/testkit';
import { createAuthenticator } from '../../src/auth/create-authenticator.js';
import { createProducerToken, type ProducerToken } from '../../src/auth/producer-token.js';
import {
  createMemoryCatalogSource,
  type MemoryCatalogSource,
} from '../../src/catalog/memory-catalog-source.js';
import type { CatalogSnapshotInput } from '../../src/catalog/snapshot-schema.js';

/** `main.sales.orders`: the table most tests write to. */
export const ORDERS = 'main.sales.orders';
/** `main.sales.events`: a second table, with a timestamp and a list. */
export const EVENTS = 'main.sales.events';
/** `main.other.secret`: provisioned, but no grant for the test principal. */
export const SECRET = 'main.other.secret';

/** The orders table's proto (field numbers follow column position + 1, Zerobus convention). */
export const ORDERS_PROTO = `syntax = "proto2";
package test;
message Order {
  optional int64 id = 1;
  optional string item = 2;
  optional int32 qty = 3;
}
`;

/**
 * The events table's proto: `at` is µs since the epoch (an int64 under a timestamp column), `tags` a repeated
 * string for the array column.
 */
export const EVENTS_PROTO = `syntax = "proto2";
package test;
message Event {
  optional string stream = 1;
  optional int64 seq = 2;
  optional int64 at = 3;
  repeated string tags = 4;
}
`;

/** A descriptor that does not fit the orders table (`id` as string). */
export const WRONG_PROTO = `syntax = "proto2";
package test;
message Order {
  optional string id = 1;
  optional string item = 2;
}
`;

/** Loads a test proto: protobufjs type plus descriptor bytes. */
export function orderSchema(text = ORDERS_PROTO) {
  return loadSchema(text, 'test.Order');
}

/** Loads {@link EVENTS_PROTO}: protobufjs type plus descriptor bytes. */
export function eventSchema() {
  return loadSchema(EVENTS_PROTO, 'test.Event');
}

const tableSchema = (fields: { name: string; type: unknown; nullable: boolean }[]) => ({
  type: 'struct' as const,
  fields: fields.map((f) => ({ ...f, metadata: {} })),
});

/** Tokens of the test catalog's credentials. */
export interface TestTokens {
  readonly good: ProducerToken;
  readonly revoked: ProducerToken;
  readonly expired: ProducerToken;
  /** Valid, but its principal has no grant on anything. */
  readonly noGrant: ProducerToken;
  /** Valid, of a second principal (`svc-partner`) with the same grants as `good`'s. */
  readonly partner: ProducerToken;
}

/** The snapshot the tests provision: three tables, three principals, five producer tokens. */
export function testSnapshot(
  tokens: TestTokens,
  overrides: Partial<CatalogSnapshotInput> = {},
): CatalogSnapshotInput {
  const grant = (principalId: string, privilege: string, type: string, name: string) =>
    ({ principalId, privilege, securable: { type, name } }) as CatalogSnapshotInput['grants'][number];
  return {
    version: 1,
    issuer: 'https://control-plane.lakestream.test',
    audience: 'lakestream-ingest',
    tables: [
      {
        name: ORDERS,
        location: 'tables/main/sales/orders',
        schema: tableSchema([
          { name: 'id', type: 'long', nullable: false },
          { name: 'item', type: 'string', nullable: true },
          { name: 'qty', type: 'integer', nullable: true },
        ]),
        properties: { 'delta.appendOnly': 'true' },
      },
      {
        name: EVENTS,
        location: 'tables/main/sales/events',
        schema: tableSchema([
          { name: 'stream', type: 'string', nullable: false },
          { name: 'seq', type: 'long', nullable: false },
          { name: 'at', type: 'timestamp', nullable: true },
          {
            name: 'tags',
            type: { type: 'array', elementType: 'string', containsNull: true },
            nullable: true,
          },
        ]),
        properties: { 'delta.appendOnly': 'true' },
      },
      {
        name: SECRET,
        location: 'tables/main/other/secret',
        schema: tableSchema([{ name: 'id', type: 'long', nullable: true }]),
        properties: {},
      },
    ],
    principals: [
      { id: 'svc-orders', name: 'svc-orders', kind: 'service' },
      { id: 'svc-nobody', name: 'svc-nobody', kind: 'service' },
      { id: 'svc-partner', name: 'svc-partner', kind: 'service' },
    ],
    grants: [
      grant('svc-orders', 'USE_CATALOG', 'catalog', 'main'),
      grant('svc-orders', 'USE_SCHEMA', 'schema', 'main.sales'),
      grant('svc-orders', 'MODIFY', 'schema', 'main.sales'),
      grant('svc-orders', 'USE_SCHEMA', 'schema', 'main.other'),
      grant('svc-partner', 'USE_CATALOG', 'catalog', 'main'),
      grant('svc-partner', 'USE_SCHEMA', 'schema', 'main.sales'),
      grant('svc-partner', 'MODIFY', 'schema', 'main.sales'),
    ],
    credentials: [
      { id: tokens.good.id, principalId: 'svc-orders', kind: 'producer_token', tokenHash: tokens.good.hash },
      {
        id: tokens.revoked.id,
        principalId: 'svc-orders',
        kind: 'producer_token',
        tokenHash: tokens.revoked.hash,
        revoked: true,
      },
      {
        id: tokens.expired.id,
        principalId: 'svc-orders',
        kind: 'producer_token',
        tokenHash: tokens.expired.hash,
        expiresAt: Date.now() - 60_000,
      },
      {
        id: tokens.noGrant.id,
        principalId: 'svc-nobody',
        kind: 'producer_token',
        tokenHash: tokens.noGrant.hash,
      },
      {
        id: tokens.partner.id,
        principalId: 'svc-partner',
        kind: 'producer_token',
        tokenHash: tokens.partner.hash,
      },
    ],
    tokenKeys: [],
    ...overrides,
  };
}

/** A fresh set of tokens. */
export function testTokens(): TestTokens {
  return {
    good: createProducerToken({ id: 'tok-good' }),
    revoked: createProducerToken({ id: 'tok-revoked' }),
    expired: createProducerToken({ id: 'tok-expired' }),
    noGrant: createProducerToken({ id: 'tok-nogrant' }),
    partner: createProducerToken({ id: 'tok-partner' }),
  };
}

/** The catalog source and authenticator of a test node (real implementations, in memory). */
export function testCatalog(tokens = testTokens()): {
  catalog: MemoryCatalogSource;
  authenticator: ReturnType<typeof createAuthenticator>;
  tokens: TestTokens;
} {
  const catalog = createMemoryCatalogSource(testSnapshot(tokens));
  return { catalog, authenticator: createAuthenticator(catalog), tokens };
}
