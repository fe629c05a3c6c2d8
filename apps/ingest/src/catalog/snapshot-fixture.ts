import type { CatalogSnapshotInput } from './snapshot-schema.js';

/**
 * A small valid snapshot for tests and local runs: table `main.sales.orders` (id bigint, item string), service
 * principal `svc-orders` with USE_CATALOG on `main`, USE_SCHEMA on `main.sales` and MODIFY on the table, and
 * no credentials or keys. `overrides` replace top-level fields whole.
 */
export function snapshotFixture(overrides: Partial<CatalogSnapshotInput> = {}): CatalogSnapshotInput {
  return {
    version: 1,
    issuer: 'https://control-plane.lakestream.test',
    audience: 'lakestream-ingest',
    tables: [
      {
        name: 'main.sales.orders',
        location: 'tables/main/sales/orders',
        schema: {
          type: 'struct',
          fields: [
            { name: 'id', type: 'long', nullable: false, metadata: {} },
            { name: 'item', type: 'string', nullable: true, metadata: {} },
          ],
        },
        properties: { 'delta.appendOnly': 'true' },
      },
    ],
    principals: [{ id: 'svc-orders', name: 'svc-orders', kind: 'service' }],
    grants: [
      { principalId: 'svc-orders', privilege: 'USE_CATALOG', securable: { type: 'catalog', name: 'main' } },
      {
        principalId: 'svc-orders',
        privilege: 'USE_SCHEMA',
        securable: { type: 'schema', name: 'main.sales' },
      },
      {
        principalId: 'svc-orders',
        privilege: 'MODIFY',
        securable: { type: 'table', name: 'main.sales.orders' },
      },
    ],
    credentials: [],
    tokenKeys: [],
    ...overrides,
  };
}
