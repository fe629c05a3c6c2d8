import { writeFileSync } from 'node:fs';
import {
  type CatalogStore,
  createAuthenticator,
  type IngestNode,
  openCatalogStore,
  openIngestNode,
} from '@lakestream/ingest';
import { type AdminServer, startAdminServer } from '@lakestream/ingest/admin';
import type { WebServices } from '../../src/server/services';
import { callerAs } from './services';

/** A real ingest node and its admin API, both on 127.0.0.1 port 0. */
export interface TestIngestNode {
  readonly store: CatalogStore;
  readonly node: IngestNode;
  readonly admin: AdminServer;
  /** `host:port` of the admin API, as `LAKESTREAM_INGEST_NODES` names it. */
  readonly adminAddress: string;
  /** The file holding the admin secret (the console reads it at each connect). */
  readonly secretFile: string;
  /** Closes the admin API, then the node (idempotent on the node's side). */
  close(): Promise<void>;
}

/** What `startTestIngestNode` needs. */
export interface TestIngestNodeOptions {
  /** The node's `--data-dir`. */
  readonly dataDir: string;
  /** Where the admin secret file is written (the console's data dir in these tests). */
  readonly secretFile: string;
  readonly adminSecret: string;
  readonly flushMs: number;
  /** Awaited before every Delta commit (a slow disk); none by default. */
  readonly beforeCommit?: (table: string) => Promise<void>;
}

/**
 * Starts an ingest node as apps/ingest's main.ts wires it: a catalog store (provisioned by the console's
 * push), its authenticator, one Parquet worker, and the admin API reporting its streams and publishing.
 */
export async function startTestIngestNode(options: TestIngestNodeOptions): Promise<TestIngestNode> {
  const store = await openCatalogStore({ dataDir: options.dataDir });
  const node = await openIngestNode({
    dataDir: options.dataDir,
    catalog: store,
    authenticator: createAuthenticator(store),
    flushMs: options.flushMs,
    parquetWorkers: 1,
    ...(options.beforeCommit === undefined ? {} : { beforeCommit: options.beforeCommit }),
  });
  const admin = await startAdminServer({
    port: 0,
    secret: options.adminSecret,
    catalog: store,
    streams: node.live,
    publishing: node.publishers,
    onDrain: async () => 0,
    nodeId: node.nodeId,
  }).catch(async (err: unknown) => {
    await node.close(500);
    throw err;
  });
  writeFileSync(options.secretFile, options.adminSecret);
  return {
    store,
    node,
    admin,
    adminAddress: `127.0.0.1:${admin.port}`,
    secretFile: options.secretFile,
    close: async () => {
      await admin.close(100);
      await node.close(500);
    },
  };
}

/** The privileges a producer may be granted on the orders table and its parents. */
export type ProducerPrivilege = 'USE_CATALOG' | 'USE_SCHEMA' | 'MODIFY' | 'SELECT';

/**
 * The console side of a producer, as an editor and an admin set it up: catalog `main`, schema `main.sales`,
 * table `table` (`id long not null, item string`), service principal `orders-producer` with `privileges`
 * (each on the securable it belongs to) and one credential.
 */
export async function setUpOrdersProducer(
  services: WebServices,
  table: string,
  privileges: readonly ProducerPrivilege[],
): Promise<{ principalId: string; clientId: string; clientSecret: string }> {
  const editor = callerAs(services, 'editor').caller;
  const adminUser = callerAs(services, 'admin').caller;
  await editor.catalogs.create({ name: 'main' });
  await editor.catalogs.createSchema({ name: 'main.sales' });
  await editor.tables.create({
    name: table,
    columns: [
      { name: 'id', type: 'long', nullable: false },
      { name: 'item', type: 'string' },
    ],
  });
  const producer = await adminUser.principals.createServicePrincipal({ name: 'orders-producer' });
  const securableOf = {
    USE_CATALOG: { type: 'catalog', name: 'main' },
    USE_SCHEMA: { type: 'schema', name: 'main.sales' },
    MODIFY: { type: 'table', name: table },
    SELECT: { type: 'table', name: table },
  } as const;
  for (const privilege of privileges) {
    await editor.grants.grant({ principalId: producer.id, privilege, securable: securableOf[privilege] });
  }
  const { clientId, clientSecret } = await adminUser.credentials.create({ principalId: producer.id });
  return { principalId: producer.id, clientId, clientSecret };
}
