import { asc, eq, max } from 'drizzle-orm';
import type { Actor } from './audit.js';
import type { CatalogTx } from './db/catalog-db.js';
import type { ColumnDefinition } from './delta-types.js';

/** What made a schema version: the table's creation, or columns added to it. */
export type SchemaChange = 'create' | 'add_columns';

/** One version of a table's schema: its top-level columns then, who made it and when. */
export interface SchemaVersion {
  /** 1 as created, one more for every change. */
  readonly version: number;
  readonly change: SchemaChange;
  readonly columns: ColumnDefinition[];
  /** The principal id of who made it. */
  readonly createdBy: string;
  /** ms since the epoch. */
  readonly createdAt: number;
}

/** The table a version belongs to, as far as versions need it (a `TableInfo` is one). */
interface VersionedTable {
  readonly id: string;
  readonly columns: ColumnDefinition[];
  readonly createdBy: string;
  readonly createdAt: number;
}

/** Stores version `version` of table `tableId`'s schema (in the caller's transaction). */
export async function insertSchemaVersion(
  tx: CatalogTx,
  tableId: string,
  version: Omit<SchemaVersion, 'createdBy'>,
  actor: Actor,
): Promise<void> {
  await tx.orm.insert(tx.tables.TableSchemaVersions).values({
    tableId,
    version: version.version,
    change: version.change,
    columns: JSON.stringify(version.columns),
    createdBy: actor.principalId,
    createdAt: version.createdAt,
  });
}

/**
 * The versions of `table`'s schema, oldest first. A table created before versions were kept has none stored:
 * its current columns are then its version 1, as created.
 */
export async function readSchemaVersions(tx: CatalogTx, table: VersionedTable): Promise<SchemaVersion[]> {
  const { TableSchemaVersions } = tx.tables;
  const rows = await tx.orm
    .select()
    .from(TableSchemaVersions)
    .where(eq(TableSchemaVersions.tableId, table.id))
    .orderBy(asc(TableSchemaVersions.version));
  if (rows.length === 0) return [firstVersion(table)];
  return rows.map((r) => ({
    version: r.version,
    change: r.change as SchemaChange,
    columns: JSON.parse(r.columns) as ColumnDefinition[],
    createdBy: r.createdBy,
    createdAt: r.createdAt,
  }));
}

/**
 * Stores the version after `table`'s latest with `columns` (made by `actor` at `at`) and returns its number.
 * A table without stored versions (created before they were kept) first gets its version 1: the columns it had.
 */
export async function appendSchemaVersion(
  tx: CatalogTx,
  table: VersionedTable,
  columns: ColumnDefinition[],
  actor: Actor,
  at: number,
): Promise<number> {
  const { TableSchemaVersions } = tx.tables;
  const [latest] = await tx.orm
    .select({ version: max(TableSchemaVersions.version) })
    .from(TableSchemaVersions)
    .where(eq(TableSchemaVersions.tableId, table.id));
  let previous = latest?.version ?? null;
  if (previous === null) {
    const first = firstVersion(table);
    await insertSchemaVersion(tx, table.id, first, { principalId: first.createdBy, address: null });
    previous = first.version;
  }
  const version = previous + 1;
  await insertSchemaVersion(tx, table.id, { version, change: 'add_columns', columns, createdAt: at }, actor);
  return version;
}

function firstVersion(table: VersionedTable): SchemaVersion {
  return {
    version: 1,
    change: 'create',
    columns: table.columns,
    createdBy: table.createdBy,
    createdAt: table.createdAt,
  };
}
