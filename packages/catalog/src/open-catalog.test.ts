import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, test } from 'vitest';
import { getCatalogVersion, SYSTEM_ACTOR } from './audit.js';
import { createCatalog, listCatalogs } from './catalogs.js';
import { MIGRATIONS_FOLDER, openCatalog } from './open-catalog.js';
import * as schema from './schema.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openCatalog', () => {
  test('applies every committed migration to a fresh database', () => {
    using catalog = openCatalog({ path: ':memory:' });
    const tables = catalog.sqlite
      .prepare("select name from sqlite_master where type = 'table' order by name")
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'audit_log',
        'catalog_version',
        'catalogs',
        'columns',
        'credentials',
        'grants',
        'principals',
        'schemas',
        'tables',
      ]),
    );
    const journal = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql'));
    const applied = catalog.sqlite.prepare('select count(*) from __drizzle_migrations').pluck().get();
    expect(applied).toBe(journal.length);
    expect(getCatalogVersion(catalog.db)).toBe(0);
  });

  test('the committed migrations match schema.ts (run `npm run db:generate` after changing it)', () => {
    using catalog = openCatalog({ path: ':memory:' });
    for (const table of Object.values(schema) as SQLiteTable[]) {
      const config = getTableConfig(table);
      const columns = catalog.sqlite
        .prepare(`select name, "notnull" from pragma_table_info(?)`)
        .all(config.name);
      expect(columns, config.name).toEqual(
        config.columns.map((c) => ({ name: c.name, notnull: c.notNull || c.primary ? 1 : 0 })),
      );
      const indexes = catalog.sqlite
        .prepare(
          "select name from sqlite_master where type = 'index' and tbl_name = ? and sql is not null order by name",
        )
        .pluck()
        .all(config.name);
      expect(indexes, config.name).toEqual(config.indexes.map((i) => i.config.name).sort());
    }
  });

  test('turns foreign keys and check constraints on', () => {
    using catalog = openCatalog({ path: ':memory:' });
    expect(catalog.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() =>
      catalog.sqlite.prepare("insert into schemas values ('s', 'no-such-catalog', 'x', null, 'me', 0)").run(),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      catalog.sqlite
        .prepare("insert into principals values ('p', 'service', 'p', 'admin', 0, 'me', 0)")
        .run(),
    ).toThrow(/CHECK constraint failed: principals_role_check/);
  });

  test('a file database is in WAL mode, keeps its data, and reopens without migrating again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lakestream-catalog-'));
    dirs.push(dir);
    const path = join(dir, 'catalog.db');
    {
      using catalog = openCatalog({ path });
      expect(catalog.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      createCatalog(catalog.db, SYSTEM_ACTOR, { name: 'main', comment: 'kept' });
    }
    using reopened = openCatalog({ path });
    expect(listCatalogs(reopened.db).map((c) => [c.name, c.comment])).toEqual([['main', 'kept']]);
    expect(getCatalogVersion(reopened.db)).toBe(1);
    const applied = reopened.sqlite.prepare('select count(*) from __drizzle_migrations').pluck().get();
    expect(applied).toBe(readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length);
  });

  test('close is idempotent', () => {
    const catalog = openCatalog({ path: ':memory:' });
    catalog.close();
    catalog.close();
    expect(catalog.sqlite.open).toBe(false);
  });
});
