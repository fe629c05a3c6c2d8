import { AsyncLocalStorage } from 'node:async_hooks';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from '../schema.js';
import { fromDriverError } from './driver-errors.js';

/** The two engines the catalog runs on: SQLite (embedded, the default) and PostgreSQL (clusters). */
export type CatalogEngine = 'sqlite' | 'postgres';

/** The catalog's drizzle tables, as `schema.ts` defines them. */
export type CatalogTables = typeof schema;

/**
 * The drizzle query builders the catalog's rules use. They are typed as SQLite's (the dialect `schema.ts` is
 * written in) and are PostgreSQL's at run time on that engine: the rules use only what both dialects have
 * alike — `select`/`insert`/`update`/`delete` builders that are awaited — never SQLite's `.all()`, `.get()` or
 * `.run()`; the catalog's test suite runs on both engines to keep it so.
 */
export type CatalogOrm = BaseSQLiteDatabase<'async', unknown, CatalogTables>;

/** A handle on the catalog database: the open database, or one transaction of it. */
export interface CatalogDb {
  readonly engine: CatalogEngine;
  /**
   * Runs `fn` in one transaction: committed when its promise resolves, rolled back when it rejects. On a
   * transaction's handle, `fn` joins that transaction. A unique-constraint violation rejects with
   * `CatalogError('ALREADY_EXISTS')` on both engines.
   */
  transaction<T>(fn: (tx: CatalogTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn`'s queries outside a transaction (each statement commits alone), or in the current transaction
   * on a transaction's handle. On SQLite it waits for transactions in progress (one connection, used by one
   * piece of work at a time).
   */
  run<T>(fn: (q: CatalogTx) => Promise<T>): Promise<T>;
}

/** A handle with its queries: inside `transaction` or `run`. */
export interface CatalogTx extends CatalogDb {
  /** The drizzle query builders (see `CatalogOrm`). */
  readonly orm: CatalogOrm;
  /** The catalog's tables in this engine's dialect. */
  readonly tables: CatalogTables;
}

/** What one engine provides to `createCatalogDb`. */
export interface CatalogDriver {
  readonly engine: CatalogEngine;
  readonly tables: CatalogTables;
  /** Runs `fn` with the database's query builders, outside a transaction. */
  run<T>(fn: (orm: CatalogOrm) => Promise<T>): Promise<T>;
  /** Runs `fn` in a transaction, with that transaction's query builders. */
  transaction<T>(fn: (orm: CatalogOrm) => Promise<T>): Promise<T>;
}

/** The database handle whose transaction or `run` the current asynchronous context is inside. */
const activeHandle = new AsyncLocalStorage<CatalogDb>();

/**
 * The open database's handle over `driver`. Refuses (with an error saying so) a call on this handle from
 * inside one of its own transactions: that work belongs on the transaction's handle, and on SQLite it would
 * wait for itself forever.
 */
export function createCatalogDb(driver: CatalogDriver): CatalogDb {
  const enter = <T>(how: 'run' | 'transaction', fn: (tx: CatalogTx) => Promise<T>): Promise<T> => {
    if (activeHandle.getStore() === root) {
      return Promise.reject(
        new Error(
          `catalog: ${how}() called on the database handle inside one of its own transactions; pass the transaction's handle (tx) instead`,
        ),
      );
    }
    return activeHandle
      .run(root, () => driver[how]((orm) => fn(boundHandle(driver, orm))))
      .catch((error: unknown) => {
        throw fromDriverError(error);
      });
  };
  const root: CatalogDb = {
    engine: driver.engine,
    transaction: (fn) => enter('transaction', fn),
    run: (fn) => enter('run', fn),
  };
  return root;
}

function boundHandle(driver: CatalogDriver, orm: CatalogOrm): CatalogTx {
  const handle: CatalogTx = {
    engine: driver.engine,
    orm,
    tables: driver.tables,
    transaction: (fn) => fn(handle),
    run: (fn) => fn(handle),
  };
  return handle;
}
