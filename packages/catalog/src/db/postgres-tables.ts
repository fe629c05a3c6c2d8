import { Column, getTableColumns, is, SQL } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  type PgColumn,
  type PgColumnBuilderBase,
  type PgTable,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';

/**
 * The PostgreSQL twins of SQLite tables written with `drizzle-orm/sqlite-core`: the same table, column,
 * index, key, foreign-key and check names, the same nullability and defaults, so one schema file is the
 * schema on both engines (and drizzle-kit generates each engine's migrations from it). Column kinds map as
 * SQLite's portable ones mean: `text` (enums kept) → `text`, `integer` (number mode) → `bigint` (number
 * mode: millisecond timestamps outgrow `integer`), `integer` boolean mode → `boolean`, an autoincrement
 * primary key → a `bigint` identity column. Throws, naming the table and column, for any other kind.
 *
 * The result keeps the input's type: the catalog's rules are typed once, against `schema.ts`, and run on
 * either engine's tables (see `CatalogOrm`).
 */
export function toPostgresTables<T extends Record<string, SQLiteTable>>(tables: T): T {
  const byName = new Map<string, PgTable>();
  const result: Record<string, PgTable> = {};
  for (const [key, table] of Object.entries(tables)) {
    const pg = toPostgresTable(table, byName);
    byName.set(getTableConfig(table).name, pg);
    result[key] = pg;
  }
  return result as unknown as T;
}

function toPostgresTable(table: SQLiteTable, byName: ReadonlyMap<string, PgTable>): PgTable {
  const config = getTableConfig(table);
  const builders: Record<string, PgColumnBuilderBase> = {};
  const keyOf = new Map<SQLiteColumn, string>();
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    keyOf.set(column, key);
    let builder = toPostgresColumn(config.name, column);
    const foreign = config.foreignKeys.find((fk) => fk.reference().columns[0] === column);
    if (foreign !== undefined) {
      const reference = foreign.reference();
      const target = reference.foreignColumns[0]!;
      const targetTable = getTableConfig(target.table).name;
      builder = builder.references(() => postgresColumn(byName, targetTable, target.name), {
        ...(foreign.onDelete === undefined ? {} : { onDelete: foreign.onDelete }),
        ...(foreign.onUpdate === undefined ? {} : { onUpdate: foreign.onUpdate }),
      });
    }
    builders[key] = builder;
  }
  return pgTable(config.name, builders, (t) => {
    const column = (c: SQLiteColumn) => (t as Record<string, PgColumn>)[keyOf.get(c)!]!;
    const onColumns = (columns: readonly unknown[]) => columns.map((c) => column(c as SQLiteColumn));
    return [
      ...config.primaryKeys.map((pk) => {
        const [first, ...rest] = onColumns(pk.columns);
        return primaryKey({ name: pk.getName(), columns: [first!, ...rest] });
      }),
      ...config.indexes.map((i) => {
        const [first, ...rest] = onColumns(i.config.columns);
        return (i.config.unique ? uniqueIndex : index)(i.config.name).on(first!, ...rest);
      }),
      ...config.checks.map((c) => check(c.name, withColumns(c.value, column))),
    ];
  });
}

function toPostgresColumn(tableName: string, column: SQLiteColumn) {
  const where = `${tableName}.${column.name}`;
  let builder: ReturnType<typeof text> | ReturnType<typeof bigint> | ReturnType<typeof boolean>;
  switch (column.columnType) {
    case 'SQLiteText':
      builder =
        column.enumValues === undefined
          ? text(column.name)
          : text(column.name, { enum: column.enumValues as [string, ...string[]] });
      break;
    case 'SQLiteInteger':
      builder = bigint(column.name, { mode: 'number' });
      if ((column as { autoIncrement?: boolean }).autoIncrement) {
        return builder.primaryKey().generatedByDefaultAsIdentity();
      }
      break;
    case 'SQLiteBoolean':
      builder = boolean(column.name);
      break;
    default:
      throw new Error(
        `toPostgresTables: column ${where} is a ${column.columnType}, which has no PostgreSQL twin`,
      );
  }
  if (column.primary) builder = builder.primaryKey();
  if (column.notNull) builder = builder.notNull();
  // An integer primary key "has a default" in SQLite (the rowid) without a value: nothing to carry over.
  if (column.default !== undefined) {
    if (is(column.default, SQL)) throw new Error(`toPostgresTables: column ${where} needs a literal default`);
    builder = builder.default(column.default as never);
  }
  return builder;
}

function postgresColumn(byName: ReadonlyMap<string, PgTable>, table: string, name: string): PgColumn {
  const found = Object.values(getTableColumns(byName.get(table)!)).find((c) => c.name === name);
  if (found === undefined) throw new Error(`toPostgresTables: no column ${table}.${name}`);
  return found;
}

/** `value` with each SQLite column it mentions replaced by the PostgreSQL one (a check constraint's SQL). */
function withColumns(value: SQL, column: (c: SQLiteColumn) => PgColumn): SQL {
  return new SQL(
    value.queryChunks.map((chunk) => (is(chunk, Column) ? column(chunk as SQLiteColumn) : chunk)),
  );
}
