import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from '../schema.js';
import type { CatalogDriver, CatalogOrm } from './catalog-db.js';

/** An open SQLite catalog: its driver, the raw connection, DDL without parameters, and closing. */
export interface SqliteCatalog {
  readonly driver: CatalogDriver;
  readonly sqlite: Database.Database;
  exec(sqlText: string): Promise<void>;
  close(): void;
}

/**
 * Opens (creating if needed) the SQLite database at `path`, or a private in-memory one for `':memory:'`:
 * WAL journal (file databases), foreign keys on, a 5 s busy timeout, then every pending migration of
 * `migrationsFolder`. One connection serves one piece of work at a time: `run` and `transaction` take turns
 * (a promise-chain mutex), so queries of other requests never land inside an open transaction while its
 * callback awaits; a transaction is `BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` when the callback rejects.
 * Throws better-sqlite3's `SqliteError` when the file cannot be opened or a migration fails.
 */
export function openSqliteCatalog(path: string, migrationsFolder: string): SqliteCatalog {
  const sqlite = new Database(path);
  try {
    if (path !== ':memory:') sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder });
    // The builders are awaited (see CatalogOrm): better-sqlite3's run synchronously inside `then`.
    const orm = db as unknown as CatalogOrm;
    const exclusive = createMutex();
    const driver: CatalogDriver = {
      engine: 'sqlite',
      tables: schema,
      run: (fn) => exclusive(() => fn(orm)),
      transaction: (fn) =>
        exclusive(async () => {
          sqlite.exec('BEGIN IMMEDIATE');
          try {
            const result = await fn(orm);
            sqlite.exec('COMMIT');
            return result;
          } catch (error) {
            if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
            throw error;
          }
        }),
    };
    return {
      driver,
      sqlite,
      exec: (sqlText) =>
        exclusive(async () => {
          sqlite.exec(sqlText);
        }),
      close: () => {
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/** Runs the functions given to it one at a time, in call order, whether they resolve or reject. */
function createMutex(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const result = tail.then(fn);
    tail = result.catch(() => undefined);
    return result;
  };
}
