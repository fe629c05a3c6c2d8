import { type Actor, SYSTEM_ACTOR } from '../audit.js';
import { createCatalog, createSchema } from '../catalogs.js';
import type { OpenCatalog } from '../open-catalog.js';
import { createServicePrincipal, createUser } from '../principals.js';
import { createTable } from '../tables.js';
import { openTestCatalog } from './test-catalog.js';

/** The admin user every seeded catalog has, acting from 10.0.0.1. */
export const ADMIN: Actor = { principalId: 'admin', address: '10.0.0.1' };

/**
 * A fresh catalog on this run's engine (`openTestCatalog`) holding: admin user `admin`, service principal
 * `svc` (no grants), catalog `main` with schemas `main.sales` and `main.hr`, tables `main.sales.orders` (id
 * long not null, item string) and `main.hr.people` (name string).
 */
export async function seededCatalog(): Promise<OpenCatalog> {
  const catalog = await openTestCatalog();
  const { db } = catalog;
  await createUser(db, SYSTEM_ACTOR, { id: 'admin', name: 'admin@example.com', role: 'admin' });
  await createServicePrincipal(db, ADMIN, { id: 'svc', name: 'svc-orders' });
  await createCatalog(db, ADMIN, { name: 'main' });
  await createSchema(db, ADMIN, { name: 'main.sales' });
  await createSchema(db, ADMIN, { name: 'main.hr' });
  await createTable(db, ADMIN, {
    name: 'main.sales.orders',
    columns: [
      { name: 'id', type: 'long', nullable: false },
      { name: 'item', type: 'string' },
    ],
  });
  await createTable(db, ADMIN, { name: 'main.hr.people', columns: [{ name: 'name', type: 'string' }] });
  return catalog;
}
