import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from './schema.js';

/** The drizzle database of the catalog (better-sqlite3, with the schema of schema.ts). */
export type CatalogDb = BetterSQLite3Database<typeof schema>;

/** The database or a transaction of it: what the internal helpers run their queries on. */
export type CatalogExecutor = BaseSQLiteDatabase<'sync', Database.RunResult, typeof schema>;

/** An open catalog: the drizzle handle, the raw connection, and how to close it. */
export interface OpenCatalog extends Disposable {
  readonly db: CatalogDb;
  readonly sqlite: Database.Database;
  /** Closes the connection (idempotent). */
  close(): void;
}

/**
 * The committed migrations. `new URL('../drizzle', …)` holds from `src/open-catalog.ts` and from
 * `dist/open-catalog.js` alike: both sit one level below the package root.
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * Opens (creating if needed) the catalog database at `path`, or a private in-memory one for `':memory:'`:
 * WAL journal (file databases), foreign keys on, a 5 s busy timeout, then applies every pending migration of
 * `drizzle/`. Throws better-sqlite3's `SqliteError` when the file cannot be opened or a migration fails.
 */
export function openCatalog(options: { path: string }): OpenCatalog {
  const sqlite = new Database(options.path);
  try {
    if (options.path !== ':memory:') sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    const close = () => {
      if (sqlite.open) sqlite.close();
    };
    return { db, sqlite, close, [Symbol.dispose]: close };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
