import type { SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { inject } from 'vitest';
import type { CatalogDb, CatalogEngine } from '../db/catalog-db.js';
import { type OpenCatalog, openCatalog } from '../open-catalog.js';
import { createDatabase } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The engine the catalog tests of this vitest project run on (vitest.config.ts). */
    catalogEngine: CatalogEngine;
    /** The `postgres` database of the run's PostgreSQL server (global-setup.ts); postgres project only. */
    postgresUrl: string;
  }
}

/** The migrated database that each PostgreSQL test catalog is copied from (made by global-setup.ts). */
export const TEMPLATE_DATABASE = 'catalog_template';

/** The engine this test run's catalogs use: the vitest project's `catalogEngine` (SQLite when unset). */
export function testEngine(): CatalogEngine {
  return inject('catalogEngine') ?? 'sqlite';
}

/**
 * A fresh, empty, migrated catalog on this run's engine: a private in-memory SQLite database, or a new
 * PostgreSQL database copied from the migrated template on the run's server. Close it when done (`await
 * using`).
 */
export async function openTestCatalog(): Promise<OpenCatalog> {
  if (testEngine() === 'sqlite') return openCatalog({ url: ':memory:' });
  const url = await createDatabase(inject('postgresUrl'), { template: TEMPLATE_DATABASE });
  return openCatalog({ url });
}

/**
 * The rows of raw SQL `query` on `db`, on either engine (tests that look under the rules: stored hashes,
 * row counts, constraints). Write SQL both engines accept, e.g. `cast(count(*) as integer)`.
 */
export function sqlRows(db: CatalogDb, query: SQL): Promise<Record<string, unknown>[]> {
  return db.run(async ({ orm, engine }) => {
    if (engine === 'postgres') {
      return (await (orm as unknown as NodePgDatabase).execute<Record<string, unknown>>(query)).rows;
    }
    try {
      return await orm.all<Record<string, unknown>>(query);
    } catch (error) {
      // better-sqlite3 runs statements that return no rows (insert, update, DDL) with run() only.
      if (!String((error as Error).cause ?? error).includes('does not return data')) throw error;
      await orm.run(query);
      return [];
    }
  });
}
