import { type Actor, SYSTEM_ACTOR } from '../audit.js';
import { createCatalog, createSchema } from '../catalogs.js';
import { type OpenCatalog, openCatalog } from '../open-catalog.js';
import { createServicePrincipal, createUser } from '../principals.js';
import { createTable } from '../tables.js';

/** The admin user every seeded catalog has, acting from 10.0.0.1. */
export const ADMIN: Actor = { principalId: 'admin', address: '10.0.0.1' };

/**
 * A fresh in-memory catalog holding: admin user `admin`, service principal `svc` (no grants), catalog `main`
 * with schemas `main.sales` and `main.hr`, tables `main.sales.orders` (id long not null, item string) and
 * `main.hr.people` (name string).
 */
export function seededCatalog(): OpenCatalog {
  const catalog = openCatalog({ path: ':memory:' });
  const { db } = catalog;
  createUser(db, SYSTEM_ACTOR, { id: 'admin', name: 'admin@example.com', role: 'admin' });
  createServicePrincipal(db, ADMIN, { id: 'svc', name: 'svc-orders' });
  createCatalog(db, ADMIN, { name: 'main' });
  createSchema(db, ADMIN, { name: 'main.sales' });
  createSchema(db, ADMIN, { name: 'main.hr' });
  createTable(db, ADMIN, {
    name: 'main.sales.orders',
    columns: [
      { name: 'id', type: 'long', nullable: false },
      { name: 'item', type: 'string' },
    ],
  });
  createTable(db, ADMIN, { name: 'main.hr.people', columns: [{ name: 'name', type: 'string' }] });
  return catalog;
}
