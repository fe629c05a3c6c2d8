import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from '../schema.js';
import type { CatalogDriver, CatalogOrm } from './catalog-db.js';
import { toPostgresTables } from './postgres-tables.js';

/** The catalog's tables on PostgreSQL (see `toPostgresTables`). */
export const postgresTables = toPostgresTables(schema);

/** An open PostgreSQL catalog: its driver, the pool, DDL without parameters, and closing. */
export interface PostgresCatalog {
  readonly driver: CatalogDriver;
  readonly pool: pg.Pool;
  exec(sqlText: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects to the PostgreSQL database at `url` (`postgres://user:password@host:port/database`, libpq's URL
 * form) through a `pg` pool of at most `maxConnections` (default 10), then applies every pending migration of
 * `migrationsFolder` (drizzle keeps its journal in the `drizzle` schema). Transactions are drizzle's
 * node-postgres transactions (READ COMMITTED; the provisioning version row serialises changes). Rejects with
 * `pg`'s error when the server cannot be reached or a migration fails.
 */
export async function openPostgresCatalog(
  url: string,
  migrationsFolder: string,
  maxConnections = 10,
): Promise<PostgresCatalog> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  try {
    const db = drizzle(pool, { schema: postgresTables });
    await migrate(db, { migrationsFolder });
    // Typed as SQLite's builders (see CatalogOrm); the tables are this engine's.
    const orm = db as unknown as CatalogOrm;
    const driver: CatalogDriver = {
      engine: 'postgres',
      tables: postgresTables,
      run: (fn) => fn(orm),
      transaction: (fn) => db.transaction((tx) => fn(tx as unknown as CatalogOrm)),
    };
    let closed: Promise<void> | undefined;
    return {
      driver,
      pool,
      exec: async (sqlText) => {
        await pool.query(sqlText);
      },
      close: () => {
        closed ??= pool.end();
        return closed;
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}
