import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalogStore } from './catalog-store.js';
import type { ProvisionedCatalog } from './catalog-view.js';
import { isProvisioningError } from './provisioning-error.js';
import { snapshotFixture } from './snapshot-fixture.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lakestream-catalog-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function expectProvisioningError(promise: Promise<unknown>, code: string, text: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isProvisioningError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toContain(text);
}

describe('openCatalogStore', () => {
  it('starts empty (version 0, nothing provisioned) on a fresh data directory', async () => {
    const store = await openCatalogStore({ dataDir });
    expect(store.current().version).toBe(0);
    expect(store.current().table('main.sales.orders')).toBeUndefined();
    expect(store.current().authorizeWrite('svc-orders', 'main.sales.orders').allowed).toBe(false);
    expect(store.snapshotPath).toBe(join(dataDir, 'catalog', 'snapshot.json'));
  });

  it('persists an applied snapshot and serves it again after a reopen', async () => {
    const store = await openCatalogStore({ dataDir });
    expect(await store.apply(snapshotFixture({ version: 3 }))).toEqual({ version: 3, changed: true });
    expect(store.current().authorizeWrite('svc-orders', 'main.sales.orders').allowed).toBe(true);
    // Written whole, no temp files left beside it.
    expect(await readdir(join(dataDir, 'catalog'))).toEqual(['snapshot.json']);
    expect(JSON.parse(await readFile(store.snapshotPath, 'utf8')).version).toBe(3);

    const reopened = await openCatalogStore({ dataDir });
    expect(reopened.current().version).toBe(3);
    expect(reopened.current().table('main.sales.orders')?.location).toBe('tables/main/sales/orders');
    expect(reopened.current().authorizeWrite('svc-orders', 'main.sales.orders').allowed).toBe(true);
  });

  it('refuses an older version, accepts the same one with the same content as a no-op', async () => {
    const store = await openCatalogStore({ dataDir });
    await store.apply(snapshotFixture({ version: 5 }));
    await expectProvisioningError(
      store.apply(snapshotFixture({ version: 4 })),
      'STALE_VERSION',
      "snapshot version 4 is older than the node's catalog version 5",
    );
    // Same content with keys in another order: still the same snapshot.
    const same = JSON.parse(JSON.stringify(snapshotFixture({ version: 5 })));
    const reordered = Object.fromEntries(Object.entries(same).reverse());
    expect(await store.apply(reordered)).toEqual({ version: 5, changed: false });
    await expectProvisioningError(
      store.apply(snapshotFixture({ version: 5, tables: [] })),
      'STALE_VERSION',
      'snapshot version 5 is already in force with different content; push a higher version',
    );
    expect(store.current().version).toBe(5);
    expect(store.current().table('main.sales.orders')).toBeDefined();
  });

  it('refuses an invalid snapshot and keeps the current one', async () => {
    const store = await openCatalogStore({ dataDir });
    await store.apply(snapshotFixture({ version: 1 }));
    await expectProvisioningError(
      store.apply({ ...snapshotFixture({ version: 2 }), grants: [{ principalId: 'x' }] }),
      'INVALID_SNAPSHOT',
      'grants[0].privilege',
    );
    expect(store.current().version).toBe(1);
    expect(JSON.parse(await readFile(store.snapshotPath, 'utf8')).version).toBe(1);
  });

  it('notifies subscribers of each new snapshot, not of no-ops, and stops after unsubscribe', async () => {
    const errors: unknown[] = [];
    const store = await openCatalogStore({ dataDir, onListenerError: (e) => errors.push(e) });
    const seen: number[] = [];
    const unsubscribe = store.subscribe((view: ProvisionedCatalog) => seen.push(view.version));
    store.subscribe(() => {
      throw new Error('a broken subscriber');
    });
    await store.apply(snapshotFixture({ version: 1 }));
    await store.apply(snapshotFixture({ version: 1 }));
    await store.apply(snapshotFixture({ version: 2 }));
    unsubscribe();
    await store.apply(snapshotFixture({ version: 3 }));
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(3);
    expect(store.current().version).toBe(3);
  });

  it('applies concurrent pushes one at a time, in call order', async () => {
    const store = await openCatalogStore({ dataDir });
    const results = await Promise.allSettled([
      store.apply(snapshotFixture({ version: 2 })),
      store.apply(snapshotFixture({ version: 1 })),
      store.apply(snapshotFixture({ version: 3 })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(store.current().version).toBe(3);
  });

  it('loads a provisioning file, and prefers a higher stored version over it', async () => {
    const file = join(dataDir, 'provision.json');
    await writeFile(file, JSON.stringify(snapshotFixture({ version: 2 })));
    const store = await openCatalogStore({ dataDir, provisioningFile: file });
    expect(store.current().version).toBe(2);
    await store.apply(snapshotFixture({ version: 7 }));
    const reopened = await openCatalogStore({ dataDir, provisioningFile: file });
    expect(reopened.current().version).toBe(7);
  });

  it('names the file when a provisioning file or stored snapshot is bad', async () => {
    const file = join(dataDir, 'provision.json');
    await writeFile(file, '{"version": 1,');
    await expectProvisioningError(
      openCatalogStore({ dataDir, provisioningFile: file }),
      'INVALID_SNAPSHOT',
      `the provisioning file ${file} is not JSON`,
    );
    await writeFile(file, JSON.stringify({ ...snapshotFixture(), version: 'one' }));
    await expectProvisioningError(
      openCatalogStore({ dataDir, provisioningFile: file }),
      'INVALID_SNAPSHOT',
      `the provisioning file ${file} is refused: invalid catalog snapshot: version`,
    );
    await expectProvisioningError(
      openCatalogStore({ dataDir, provisioningFile: join(dataDir, 'missing.json') }),
      'IO',
      'does not exist',
    );
    const store = await openCatalogStore({ dataDir });
    await writeFile(store.snapshotPath, 'garbage');
    await expectProvisioningError(openCatalogStore({ dataDir }), 'INVALID_SNAPSHOT', 'the stored snapshot');
  });

  it('removes temp files a crash left behind', async () => {
    const store = await openCatalogStore({ dataDir });
    await store.apply(snapshotFixture({ version: 1 }));
    await writeFile(join(dataDir, 'catalog', '.snapshot.json.tmp-1-abcd'), '{"half":');
    const reopened = await openCatalogStore({ dataDir });
    expect(reopened.current().version).toBe(1);
    expect(await readdir(join(dataDir, 'catalog'))).toEqual(['snapshot.json']);
  });
});
