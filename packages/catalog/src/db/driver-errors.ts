import { DrizzleQueryError } from 'drizzle-orm/errors';
import { CatalogError } from '../catalog-error.js';

/** PostgreSQL's SQLSTATE for a unique violation. */
const PG_UNIQUE_VIOLATION = '23505';
const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * `error` as the catalog reports it: a unique-constraint violation from either engine (SQLite's
 * `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, PostgreSQL's 23505) becomes `CatalogError('ALREADY_EXISTS')` with
 * the same message on both, naming the table. Any other driver error comes out as the driver threw it:
 * drizzle's `DrizzleQueryError` wrapper (which it adds on some paths and not others, and whose message lists
 * the query's parameters — secret hashes included) is taken off, so both engines fail alike.
 */
export function fromDriverError(error: unknown): unknown {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof CatalogError) return e;
    const table = uniqueViolationTable(e);
    if (table !== undefined) {
      return new CatalogError(
        'ALREADY_EXISTS',
        `a row of '${table}' with the same unique key already exists (created at the same time by another request?)`,
        { cause: error },
      );
    }
  }
  return error instanceof DrizzleQueryError && error.cause !== undefined ? error.cause : error;
}

function uniqueViolationTable(e: Error): string | undefined {
  const { code, table } = e as { code?: unknown; table?: unknown };
  if (code === PG_UNIQUE_VIOLATION) return typeof table === 'string' ? table : 'unknown';
  if (typeof code === 'string' && SQLITE_UNIQUE_CODES.has(code)) {
    // "UNIQUE constraint failed: catalogs.name" (SQLite names the table and columns, not the index).
    return /constraint failed: ([^.\s]+)\./.exec(e.message)?.[1] ?? 'unknown';
  }
  return undefined;
}
