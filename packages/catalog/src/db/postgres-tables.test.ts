import { type PgTable, getTableConfig as pgConfig } from 'drizzle-orm/pg-core';
import { type SQLiteTable, getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core';
import { describe, expect, test } from 'vitest';
import * as schema from '../schema.js';
import { postgresTables } from './postgres-driver.js';
import { toPostgresTables } from './postgres-tables.js';

type Config = ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>;

/** What makes two tables the same table, whatever the dialect. */
function shape(config: Config) {
  const names = (columns: readonly { name: string }[]) => columns.map((c) => c.name);
  return {
    name: config.name,
    columns: config.columns.map((c) => ({
      name: c.name,
      notNull: c.notNull,
      primary: c.primary,
      default: c.default,
      enumValues: c.enumValues,
    })),
    primaryKeys: config.primaryKeys.map((pk) => ({ name: pk.getName(), columns: names(pk.columns) })),
    indexes: config.indexes.map((i) => ({
      name: i.config.name,
      unique: i.config.unique,
      columns: names(i.config.columns as { name: string }[]),
    })),
    foreignKeys: config.foreignKeys.map((fk) => ({
      name: fk.getName(),
      columns: names(fk.reference().columns),
      foreignColumns: names(fk.reference().foreignColumns),
      onDelete: fk.onDelete,
    })),
    checks: config.checks.map((c) => c.name),
  };
}

describe('toPostgresTables', () => {
  test('gives every table of schema.ts the same columns, keys, indexes, foreign keys and checks', () => {
    for (const [key, table] of Object.entries(schema)) {
      const twin = postgresTables[key as keyof typeof schema] as unknown as PgTable;
      expect(shape(pgConfig(twin)), key).toEqual(shape(sqliteConfig(table as SQLiteTable)));
    }
  });

  test('maps integers to bigint, booleans to boolean and the audit sequence to an identity column', () => {
    const types = (table: unknown) => pgConfig(table as PgTable).columns.map((c) => [c.name, c.getSQLType()]);
    expect(types(postgresTables.Principals)).toContainEqual(['disabled', 'boolean']);
    expect(types(postgresTables.Principals)).toContainEqual(['created_at', 'bigint']);
    expect(types(postgresTables.Columns)).toContainEqual(['position', 'bigint']);
    const id = pgConfig(postgresTables.AuditLog as unknown as PgTable).columns.find((c) => c.name === 'id');
    expect(id?.generatedIdentity?.type).toBe('byDefault');
  });

  test('refuses a column kind it has no twin for, naming it', async () => {
    const { sqliteTable, real } = await import('drizzle-orm/sqlite-core');
    const odd = sqliteTable('odd', { ratio: real('ratio') });
    expect(() => toPostgresTables({ odd })).toThrow(
      'column odd.ratio is a SQLiteReal, which has no PostgreSQL twin',
    );
  });
});
