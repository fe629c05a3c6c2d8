import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CatalogStore, openCatalogStore } from '@lakestream/ingest';
import { type AdminServer, startAdminServer } from '@lakestream/ingest/admin';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port';
import { callerAs, openTestServices, seedUsers, type TestServices } from './support/services';

const SECRET = 'admin-secret-for-tests';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real ingest admin server over a real on-disk catalog store, as a node runs it. */
async function startNode(
  dataDir: string,
  port = 0,
  health?: Parameters<typeof startAdminServer>[0]['health'],
): Promise<{ server: AdminServer; store: CatalogStore }> {
  const store = await openCatalogStore({ dataDir });
  const server = await startAdminServer({
    port,
    secret: SECRET,
    catalog: store,
    streams: { list: () => [] },
    onDrain: async () => 0,
    nodeId: 'test-node',
    health,
  });
  cleanups.push(() => server.close(100));
  return { server, store };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function open(nodes: string, dataDir: string): Promise<TestServices> {
  const secretFile = join(dataDir, 'node-admin-secret');
  writeFileSync(secretFile, `${SECRET}\n`);
  const t = await openTestServices({
    LAKESTREAM_INGEST_NODES: nodes.replaceAll('SECRET_FILE', secretFile),
    LAKESTREAM_RECONCILE_INTERVAL_MS: '200',
  });
  cleanups.push(() => t.close());
  return t;
}

describe('provisioning', () => {
  it('a mutation pushes a snapshot the node accepts; its version follows every change', async () => {
    const nodeDir = await openTestServices(); // only for a temp dir
    cleanups.push(() => nodeDir.close());
    const { server, store } = await startNode(nodeDir.dataDir);
    const t = await open(`127.0.0.1:${server.port}=SECRET_FILE`, nodeDir.dataDir);
    await seedUsers(t.services);
    const editor = callerAs(t.services, 'editor').caller;
    await editor.catalogs.create({ name: 'main' });
    await t.services.provisioner.settled();
    const first = store.current().version;
    expect(first).toBe((await t.services.snapshot()).version);
    await editor.catalogs.createSchema({ name: 'main.sales' });
    await editor.tables.create({ name: 'main.sales.orders', columns: [{ name: 'id', type: 'long' }] });
    await t.services.provisioner.settled();
    expect(store.current().version).toBeGreaterThan(first);
    expect(store.current().version).toBe((await t.services.snapshot()).version);
    expect(store.current().table('main.sales.orders')).toBeDefined();
    expect(store.current().tokenIssuer).toBe('http://127.0.0.1:3000');
    const nodes = await callerAs(t.services, 'viewer').caller.nodes.list();
    expect(nodes.nodes).toEqual([
      expect.objectContaining({
        address: `127.0.0.1:${server.port}`,
        reachable: true,
        nodeId: 'test-node',
        catalogVersion: (await t.services.snapshot()).version,
        latestVersion: (await t.services.snapshot()).version,
        lastError: null,
      }),
    ]);
  });

  it("a degraded node's health and its reasons reach the nodes list", async () => {
    const nodeDir = await openTestServices();
    cleanups.push(() => nodeDir.close());
    const reasons = ['publishing to table main.sales.orders fails since 2026-12-07T08:00:00.000Z: ENOSPC'];
    const { server } = await startNode(nodeDir.dataDir, 0, () => ({
      state: 'degraded',
      reasons,
      recoveryRemaining: 0,
      held: {},
      failingTables: ['main.sales.orders'],
    }));
    const t = await open(`127.0.0.1:${server.port}=SECRET_FILE`, nodeDir.dataDir);
    await seedUsers(t.services);
    await t.services.provisioner.reconcile();
    const nodes = await callerAs(t.services, 'viewer').caller.nodes.list();
    expect(nodes.nodes).toEqual([
      expect.objectContaining({ reachable: true, health: 'degraded', healthReasons: reasons }),
    ]);
  });

  it('a node that was down is brought up to date by the reconciler; a wrong secret shows as an error', async () => {
    const nodeDir = await openTestServices();
    cleanups.push(() => nodeDir.close());
    const port = await freePort();
    const t = await open(`127.0.0.1:${port}=SECRET_FILE`, nodeDir.dataDir);
    await seedUsers(t.services);
    await callerAs(t.services, 'editor').caller.catalogs.create({ name: 'main' });
    await t.services.provisioner.settled();
    expect(t.services.provisioner.states()[0]).toMatchObject({
      reachable: false,
      lastError: expect.any(String),
    });

    const { store } = await startNode(nodeDir.dataDir, port);
    expect(store.current().version).toBe(0);
    t.services.provisioner.start(200);
    const latest = (await t.services.snapshot()).version;
    await until(() => store.current().version === latest);
    await until(() => t.services.provisioner.states()[0]?.reachable === true);
    expect(store.current().tokenAudience).toBe('lakestream-ingest');
  });

  it('reports a refused admin secret in words', async () => {
    const nodeDir = await openTestServices();
    cleanups.push(() => nodeDir.close());
    const { server } = await startNode(nodeDir.dataDir);
    const wrong = join(nodeDir.dataDir, 'wrong-secret');
    writeFileSync(wrong, 'not-the-secret');
    const t = await open(`127.0.0.1:${server.port}=${wrong}`, nodeDir.dataDir);
    await t.services.provisioner.reconcile();
    expect(t.services.provisioner.states()[0]).toMatchObject({
      reachable: false,
      lastError: 'wrong admin secret',
    });
  });
});
