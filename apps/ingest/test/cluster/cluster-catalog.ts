import { EVENTS, ORDERS } from '../support/test-catalog.js';
import { SDK_TABLE } from './cluster-fleet.js';
import type { ConsoleProcess } from './console-process.js';

/*
 * What the cluster test provisions through the console's API, as an admin would in its pages: the catalog
 * `main`, the schema `main.sales`, the producers' three tables in the object store, one service principal
 * with its grants and an OAuth credential. The console pushes the result to every registered node.
 */

/** The tables' columns as the console's table editor sends them (the same as the test catalog's). */
const COLUMNS: Readonly<Record<string, readonly object[]>> = {
  [ORDERS]: [
    { name: 'id', type: 'long', nullable: false },
    { name: 'item', type: 'string', nullable: true },
    { name: 'qty', type: 'integer', nullable: true },
  ],
  [EVENTS]: [
    { name: 'stream', type: 'string', nullable: false },
    { name: 'seq', type: 'long', nullable: false },
    { name: 'at', type: 'timestamp', nullable: true },
    { name: 'tags', type: { type: 'array', elementType: 'string', containsNull: true }, nullable: true },
  ],
  [SDK_TABLE]: [
    { name: 'id', type: 'long', nullable: false },
    { name: 'item', type: 'string', nullable: true },
  ],
};

/** The provisioned tables, each at `<root>/<schema>/<table>` (e.g. `az://<container>/lake/sales/orders`). */
export const CLUSTER_TABLES = Object.keys(COLUMNS);

/** A table's location under `root`. */
export function tableLocation(root: string, table: string): string {
  return `${root}/${table.split('.').slice(1).join('/')}`;
}

/** The producers' OAuth credential, and the catalog version the nodes must reach. */
export interface ProvisionedCatalog {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly catalogVersion: number;
}

/** Creates the catalog, schema, tables under `root`, the producers' principal, its grants and credential. */
export async function provisionCatalog(web: ConsoleProcess, root: string): Promise<ProvisionedCatalog> {
  await web.call('catalogs.create', { name: 'main' });
  await web.call('catalogs.createSchema', { name: 'main.sales' });
  for (const table of CLUSTER_TABLES)
    await web.call('tables.create', {
      name: table,
      columns: COLUMNS[table],
      location: tableLocation(root, table),
    });
  const producer = await web.call<{ id: string }>('principals.createServicePrincipal', {
    name: 'cluster-producers',
  });
  const grants = [
    ['USE_CATALOG', 'catalog', 'main'],
    ['USE_SCHEMA', 'schema', 'main.sales'],
    ['MODIFY', 'schema', 'main.sales'],
  ] as const;
  for (const [privilege, type, name] of grants)
    await web.call('grants.grant', { principalId: producer.id, privilege, securable: { type, name } });
  const credential = await web.call<{ clientId: string; clientSecret: string }>('credentials.create', {
    principalId: producer.id,
  });
  const { catalogVersion } = await web.call<{ catalogVersion: number }>('nodes.list');
  return { ...credential, catalogVersion };
}
