import { randomUUID } from 'node:crypto';
import { and, asc, eq, max, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { type Actor, recordChange } from './audit.js';
import { CatalogError } from './catalog-error.js';
import { findSchema, requireCatalog } from './catalogs.js';
import type { CatalogDb, CatalogTables, CatalogTx } from './db/catalog-db.js';
import {
  type ColumnDefinition,
  type ColumnInput,
  type DeltaStructType,
  type DeltaType,
  parseColumns,
  toDeltaSchema,
} from './delta-types.js';
import {
  findDuplicateName,
  formatTableName,
  parseSchemaName,
  parseTableName,
  type TableName,
} from './names.js';
import {
  appendSchemaVersion,
  insertSchemaVersion,
  readSchemaVersions,
  type SchemaVersion,
} from './schema-versions.js';

/** Where tables go when neither the table nor its catalog says: `tables/<catalog>/<schema>/<table>`. */
export const DEFAULT_STORAGE_ROOT = 'tables';

/** A table as the console and the snapshot see it. */
export interface TableInfo {
  readonly id: string;
  /** `catalog.schema.table`. */
  readonly name: string;
  readonly columns: ColumnDefinition[];
  /** The Delta schema of `columns` (what `schemaString` holds). */
  readonly deltaSchema: DeltaStructType;
  readonly comment: string | null;
  readonly storageLocation: string;
  readonly properties: Record<string, string>;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What `createTable` takes. */
export interface CreateTableInput {
  /** `catalog.schema.table`; the catalog and schema must exist. */
  name: string;
  columns: ColumnInput[];
  comment?: string;
  /** Defaults to `<catalog storageRoot or 'tables'>/<catalog>/<schema>/<table>`. */
  location?: string;
  /** Delta table properties, strings to strings. */
  properties?: Record<string, string>;
}

const propertiesSchema = z.record(
  z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a property name holds letters, digits, ".", "_" and "-" only'),
  z.string(),
);

function parseProperties(input: unknown): Record<string, string> {
  const result = propertiesSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `property ${i.path.map(String).join('.')}: ${i.message}`);
  throw new CatalogError('INVALID_NAME', `invalid table properties: ${problems.join('; ')}`);
}

/**
 * Creates table `catalog.schema.table` with its columns (Delta types, nested included; validated by
 * `parseColumns`), an optional comment, storage location and properties. Audited as `table.create`. Throws
 * `CatalogError` `INVALID_NAME`, `INVALID_TYPE`, `NOT_FOUND` (catalog or schema) or `ALREADY_EXISTS` (the name,
 * or another table at that location).
 */
export function createTable(db: CatalogDb, actor: Actor, input: CreateTableInput): Promise<TableInfo> {
  const name = parseTableName(input.name);
  const full = formatTableName(name);
  const columns = parseColumns(input.columns);
  const properties = parseProperties(input.properties ?? {});
  const location = input.location?.trim();
  if (location === '')
    throw new CatalogError('INVALID_NAME', `table '${full}': the location cannot be empty`);
  return db.transaction(async (tx) => {
    const { Tables } = tx.tables;
    const catalog = await requireCatalog(tx, name.catalog);
    const schema = await findSchema(tx, catalog.id, name.schema);
    if (schema === undefined) {
      throw new CatalogError('NOT_FOUND', `schema '${name.catalog}.${name.schema}' does not exist`);
    }
    if ((await findTableRow(tx, schema.id, name.table)) !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `table '${full}' already exists`);
    }
    const storageLocation =
      location ??
      `${(catalog.storageRoot ?? DEFAULT_STORAGE_ROOT).replace(/\/+$/, '')}/${name.catalog}/${name.schema}/${name.table}`;
    const [other] = await tx.orm
      .select({ id: Tables.id })
      .from(Tables)
      .where(eq(Tables.storageLocation, storageLocation))
      .limit(1);
    if (other !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `another table already lives at '${storageLocation}'`);
    }
    const now = Date.now();
    const id = randomUUID();
    await tx.orm.insert(Tables).values({
      id,
      schemaId: schema.id,
      name: name.table,
      comment: input.comment ?? null,
      storageLocation,
      properties: JSON.stringify(properties),
      createdBy: actor.principalId,
      createdAt: now,
      updatedAt: now,
    });
    await insertColumns(tx, id, 0, columns);
    await insertSchemaVersion(tx, id, { version: 1, change: 'create', columns, createdAt: now }, actor);
    await recordChange(
      tx,
      actor,
      {
        action: 'table.create',
        targetType: 'table',
        target: full,
        details: {
          columns: toDeltaSchema(columns),
          location: storageLocation,
          properties,
          comment: input.comment,
        },
      },
      now,
    );
    return requireTable(tx, name);
  });
}

/**
 * Adds columns at the end of table `name`: its next schema version (see `listSchemaVersions`), which the
 * nodes' next commit to the Delta table carries as a new `metaData`. Added columns must be nullable (rows
 * already written have no value for them) and their names new, ignoring case: columns are never removed,
 * renamed or retyped. Audited as `table.add_columns`. Throws `CatalogError` `INVALID_NAME`, `INVALID_TYPE`
 * (a NOT NULL column), `NOT_FOUND` or `ALREADY_EXISTS` (a column of that name, saying when it would change
 * that column's type).
 */
export function addColumns(
  db: CatalogDb,
  actor: Actor,
  tableName: string,
  input: ColumnInput[],
): Promise<TableInfo> {
  const name = parseTableName(tableName);
  const full = formatTableName(name);
  const columns = parseColumns(input);
  const required = columns.find((c) => !c.nullable);
  if (required !== undefined) {
    throw new CatalogError(
      'INVALID_TYPE',
      `column ${required.name}: a column added to an existing table must be nullable (rows already written have no value for it)`,
    );
  }
  return db.transaction(async (tx) => {
    const { Columns, Tables } = tx.tables;
    const table = await requireTable(tx, name);
    const duplicate = findDuplicateName([...table.columns.map((c) => c.name), ...columns.map((c) => c.name)]);
    if (duplicate !== undefined) throw clashError(full, table.columns, columns, duplicate);
    const [last] = await tx.orm
      .select({ position: max(Columns.position) })
      .from(Columns)
      .where(eq(Columns.tableId, table.id));
    await insertColumns(tx, table.id, (last?.position ?? -1) + 1, columns);
    const now = Date.now();
    const version = await appendSchemaVersion(tx, table, [...table.columns, ...columns], actor, now);
    await tx.orm.update(Tables).set({ updatedAt: now }).where(eq(Tables.id, table.id));
    await recordChange(
      tx,
      actor,
      {
        action: 'table.add_columns',
        targetType: 'table',
        target: full,
        details: { columns: toDeltaSchema(columns), schemaVersion: version },
      },
      now,
    );
    return requireTable(tx, name);
  });
}

/** The refusal of an added column whose name the table (or the request) has already. */
function clashError(
  table: string,
  existing: readonly ColumnDefinition[],
  added: readonly ColumnDefinition[],
  duplicate: { name: string; earlier: string },
): CatalogError {
  const old = existing.find((c) => c.name === duplicate.earlier);
  const wanted = added.find((c) => c.name === duplicate.name);
  if (old === undefined) {
    return new CatalogError(
      'ALREADY_EXISTS',
      `column '${duplicate.name}' is listed twice (same as '${duplicate.earlier}' ignoring case)`,
    );
  }
  const retyped = wanted !== undefined && JSON.stringify(wanted.type) !== JSON.stringify(old.type);
  return new CatalogError(
    'ALREADY_EXISTS',
    `table '${table}' already has column '${old.name}' (same as '${duplicate.name}' ignoring case)${
      retyped
        ? `; changing a column's type is not supported (only new nullable columns can be added): add a column under a new name`
        : ''
    }`,
  );
}

/**
 * The versions of table `name`'s schema, oldest first: version 1 as created, one more for each
 * `addColumns`, each with all its columns, who made it and when (diff two with `diffColumns`). Throws
 * `CatalogError` `INVALID_NAME` or `NOT_FOUND`.
 */
export function listSchemaVersions(db: CatalogDb, tableName: string): Promise<SchemaVersion[]> {
  return db.transaction(async (tx) =>
    readSchemaVersions(tx, await requireTable(tx, parseTableName(tableName))),
  );
}

/**
 * Drops table `name` from the catalog with its columns and every grant on it (the Delta files stay where they
 * are). Audited as `table.drop`. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`.
 */
export function dropTable(db: CatalogDb, actor: Actor, tableName: string): Promise<void> {
  const name = parseTableName(tableName);
  return db.transaction(async (tx) => {
    const { Grants, Tables } = tx.tables;
    const table = await requireTable(tx, name);
    const grants = await tx.orm
      .delete(Grants)
      .where(and(eq(Grants.securableType, 'table'), eq(Grants.securableId, table.id)))
      .returning({ id: Grants.id });
    await tx.orm.delete(Tables).where(eq(Tables.id, table.id));
    await recordChange(
      tx,
      actor,
      {
        action: 'table.drop',
        targetType: 'table',
        target: table.name,
        details: { location: table.storageLocation, grantsRemoved: grants.length },
      },
      Date.now(),
    );
  });
}

/** Table `catalog.schema.table` with its columns. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`. */
export function getTable(db: CatalogDb, tableName: string): Promise<TableInfo> {
  return requireTable(db, parseTableName(tableName));
}

/**
 * Every table, or those of catalog `scope` or schema `scope` (`catalog` or `catalog.schema`), by name. An
 * unknown scope yields no tables. Throws `CatalogError('INVALID_NAME')` for a malformed scope.
 */
export function listTables(db: CatalogDb, scope?: string): Promise<TableInfo[]> {
  return db.run(async (q) => {
    const { Catalogs, Columns, Schemas, Tables } = q.tables;
    let where: SQL | undefined;
    if (scope?.includes('.')) {
      const s = parseSchemaName(scope);
      where = and(eq(Catalogs.name, s.catalog), eq(Schemas.name, s.schema));
    } else if (scope !== undefined) {
      where = eq(Catalogs.name, scope.toLowerCase());
    }
    const rows = await tableQuery(q)
      .where(where)
      .orderBy(asc(Catalogs.name), asc(Schemas.name), asc(Tables.name));
    const columns = await q.orm.select().from(Columns).orderBy(asc(Columns.tableId), asc(Columns.position));
    const byTable = new Map<string, ColumnRow[]>();
    for (const c of columns) {
      const list = byTable.get(c.tableId) ?? [];
      list.push(c);
      byTable.set(c.tableId, list);
    }
    return rows.map((r) => toTableInfo(r, byTable.get(r.table.id) ?? []));
  });
}

function tableQuery({ orm, tables: { Catalogs, Schemas, Tables } }: CatalogTx) {
  return orm
    .select({ table: Tables, schemaName: Schemas.name, catalogName: Catalogs.name })
    .from(Tables)
    .innerJoin(Schemas, eq(Tables.schemaId, Schemas.id))
    .innerJoin(Catalogs, eq(Schemas.catalogId, Catalogs.id));
}

type TableRow = { table: CatalogTables['Tables']['$inferSelect']; schemaName: string; catalogName: string };
type ColumnRow = CatalogTables['Columns']['$inferSelect'];

function toTableInfo(row: TableRow, columnRows: ColumnRow[]): TableInfo {
  const columns = columnRows.map(
    (c): ColumnDefinition => ({
      name: c.name,
      type: JSON.parse(c.type) as DeltaType,
      nullable: c.nullable,
      ...(c.comment === null ? {} : { comment: c.comment }),
    }),
  );
  const { table } = row;
  return {
    id: table.id,
    name: `${row.catalogName}.${row.schemaName}.${table.name}`,
    columns,
    deltaSchema: toDeltaSchema(columns),
    comment: table.comment,
    storageLocation: table.storageLocation,
    properties: JSON.parse(table.properties) as Record<string, string>,
    createdBy: table.createdBy,
    createdAt: table.createdAt,
    updatedAt: table.updatedAt,
  };
}

/** Table `name` (parsed), or `undefined`. */
export function findTable(db: CatalogDb, name: TableName): Promise<TableInfo | undefined> {
  return db.run(async (q) => {
    const { Catalogs, Columns, Schemas, Tables } = q.tables;
    const [row] = await tableQuery(q)
      .where(and(eq(Catalogs.name, name.catalog), eq(Schemas.name, name.schema), eq(Tables.name, name.table)))
      .limit(1);
    if (row === undefined) return undefined;
    const columns = await q.orm
      .select()
      .from(Columns)
      .where(eq(Columns.tableId, row.table.id))
      .orderBy(asc(Columns.position));
    return toTableInfo(row, columns);
  });
}

async function requireTable(db: CatalogDb, name: TableName): Promise<TableInfo> {
  const table = await findTable(db, name);
  if (table === undefined) {
    throw new CatalogError('NOT_FOUND', `table '${formatTableName(name)}' does not exist`);
  }
  return table;
}

async function findTableRow(tx: CatalogTx, schemaId: string, name: string) {
  const { Tables } = tx.tables;
  const [row] = await tx.orm
    .select({ id: Tables.id })
    .from(Tables)
    .where(and(eq(Tables.schemaId, schemaId), eq(Tables.name, name)))
    .limit(1);
  return row;
}

async function insertColumns(
  tx: CatalogTx,
  tableId: string,
  first: number,
  columns: ColumnDefinition[],
): Promise<void> {
  await tx.orm.insert(tx.tables.Columns).values(
    columns.map((c, i) => ({
      tableId,
      position: first + i,
      name: c.name,
      nameKey: c.name.toLowerCase(),
      type: JSON.stringify(c.type),
      nullable: c.nullable,
      comment: c.comment ?? null,
    })),
  );
}

/**
 * Renames table `name` to `newName`, in the same schema (a table does not move between schemas). Its columns,
 * grants (by id) and storage location stay: the Delta table is not moved, and ingest nodes refuse new streams
 * under the old name once the change is pushed. Audited as `table.rename`. Throws `CatalogError`
 * `INVALID_NAME`, `NOT_FOUND` or `ALREADY_EXISTS`.
 */
export function renameTable(
  db: CatalogDb,
  actor: Actor,
  tableName: string,
  newName: string,
): Promise<TableInfo> {
  const from = parseTableName(tableName);
  const to = parseTableName(newName);
  if (to.catalog !== from.catalog || to.schema !== from.schema) {
    throw new CatalogError(
      'INVALID_NAME',
      `table '${formatTableName(from)}' stays in schema '${from.catalog}.${from.schema}'; '${formatTableName(to)}' names another schema`,
    );
  }
  return db.transaction(async (tx) => {
    const { Tables } = tx.tables;
    const table = await requireTable(tx, from);
    if (to.table !== from.table && (await findTable(tx, to)) !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `table '${formatTableName(to)}' already exists`);
    }
    const now = Date.now();
    await tx.orm.update(Tables).set({ name: to.table, updatedAt: now }).where(eq(Tables.id, table.id));
    await recordChange(
      tx,
      actor,
      {
        action: 'table.rename',
        targetType: 'table',
        target: formatTableName(to),
        details: { from: table.name, to: formatTableName(to) },
      },
      now,
    );
    return requireTable(tx, to);
  });
}
