import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, inject, test } from 'vitest';
import { getCatalogVersion, SYSTEM_ACTOR } from './audit.js';
import { isCatalogError } from './catalog-error.js';
import { createCatalog, listCatalogs } from './catalogs.js';
import { MIGRATIONS_FOLDERS, openCatalog } from './open-catalog.js';
import * as schema from './schema.js';
import { createDatabase } from './test-support/postgres-server.js';
import { openTestCatalog, sqlRows, testEngine } from './test-support/test-catalog.js';

const engine = testEngine();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new database location on this run's engine that survives closing: a temp file, or a new database. */
async function newLocation(): Promise<string> {
  if (engine === 'postgres') return createDatabase(inject('postgresUrl'));
  const dir = mkdtempSync(join(tmpdir(), 'lakestream-catalog-'));
  dirs.push(dir);
  return join(dir, 'catalog.db');
}

const migrationFiles = readdirSync(MIGRATIONS_FOLDERS[engine]).filter((f) => f.endsWith('.sql'));
const migrationsTable = engine === 'postgres' ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`;

/** Every message along `error`'s cause chain (drizzle wraps the driver's error). */
function messages(error: unknown): string {
  const out: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) out.push(e.message);
  return out.join(' <- ');
}

describe(`openCatalog (${engine})`, () => {
  test('applies every committed migration to a fresh database', async () => {
    await using catalog = await openTestCatalog();
    const tables = await sqlRows(
      catalog.db,
      engine === 'postgres'
        ? sql`select table_name as name from information_schema.tables where table_schema = 'public'`
        : sql`select name from sqlite_master where type = 'table'`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(Object.values(schema).map((t) => getTableConfig(t as SQLiteTable).name)),
    );
    const applied = await sqlRows(
      catalog.db,
      sql`select cast(count(*) as integer) as n from ${migrationsTable}`,
    );
    expect(applied).toEqual([{ n: migrationFiles.length }]);
    expect(await getCatalogVersion(catalog.db)).toBe(0);
  });

  test('the committed migrations match schema.ts (run `npm run db:generate` after changing it)', async () => {
    await using catalog = await openTestCatalog();
    for (const table of Object.values(schema) as SQLiteTable[]) {
      const config = getTableConfig(table);
      const columns = await sqlRows(
        catalog.db,
        engine === 'postgres'
          ? sql`select column_name as name, cast(case when is_nullable = 'NO' then 1 else 0 end as integer) as notnull
                from information_schema.columns where table_schema = 'public' and table_name = ${config.name}
                order by ordinal_position`
          : sql`select name, "notnull" from pragma_table_info(${config.name})`,
      );
      expect(columns, config.name).toEqual(
        config.columns.map((c) => ({ name: c.name, notnull: c.notNull || c.primary ? 1 : 0 })),
      );
      const indexes = await sqlRows(
        catalog.db,
        engine === 'postgres'
          ? sql`select indexname as name from pg_indexes where schemaname = 'public' and tablename = ${config.name}
                and indexname not in (select conname from pg_constraint) order by indexname`
          : sql`select name from sqlite_master where type = 'index' and tbl_name = ${config.name} and sql is not null
                order by name`,
      );
      expect(
        indexes.map((i) => i.name),
        config.name,
      ).toEqual(config.indexes.map((i) => i.config.name).sort());
    }
  });

  test('enforces foreign keys and check constraints', async () => {
    await using catalog = await openTestCatalog();
    const refusal = (statement: ReturnType<typeof sql>) =>
      sqlRows(catalog.db, statement).then(
        () => 'accepted',
        (error: unknown) => messages(error),
      );
    expect(
      await refusal(sql`insert into schemas values ('s', 'no-such-catalog', 'x', null, 'me', 0)`),
    ).toMatch(/foreign key/i);
    expect(
      await refusal(sql`insert into principals values ('p', 'service', 'p', 'admin', false, 'me', 0)`),
    ).toMatch(/principals_role_check/);
  });

  test('a unique-key race is ALREADY_EXISTS, with the same message on both engines', async () => {
    await using catalog = await openTestCatalog();
    const row = { id: 'c1', name: 'main', comment: null, storageRoot: null, createdBy: 'me', createdAt: 0 };
    await catalog.db.run(({ orm, tables }) => orm.insert(tables.Catalogs).values(row));
    const error = await catalog.db
      .transaction(({ orm, tables }) => orm.insert(tables.Catalogs).values({ ...row, id: 'c2' }))
      .catch((e: unknown) => e);
    expect(isCatalogError(error, 'ALREADY_EXISTS')).toBe(true);
    expect((error as Error).message).toBe(
      "a row of 'catalogs' with the same unique key already exists (created at the same time by another request?)",
    );
    // Two requests creating one name at once: one wins, the other is told it exists.
    const results = await Promise.allSettled([
      createCatalog(catalog.db, SYSTEM_ACTOR, { name: 'lake' }),
      createCatalog(catalog.db, SYSTEM_ACTOR, { name: 'lake' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected')!.reason;
    expect(isCatalogError(refused, 'ALREADY_EXISTS')).toBe(true);
  });

  test('a transaction that fails is rolled back without losing work done beside it meanwhile', async () => {
    await using catalog = await openTestCatalog();
    const failing = catalog.db.transaction(async (tx) => {
      await createCatalog(tx, SYSTEM_ACTOR, { name: 'doomed' });
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('refused by test');
    });
    const beside = createCatalog(catalog.db, SYSTEM_ACTOR, { name: 'kept' });
    await expect(failing).rejects.toThrow('refused by test');
    await beside;
    expect((await listCatalogs(catalog.db)).map((c) => c.name)).toEqual(['kept']);
    expect(await getCatalogVersion(catalog.db)).toBe(1);
  });

  test('refuses the outer handle inside its own transaction (it would wait for itself)', async () => {
    await using catalog = await openTestCatalog();
    await expect(catalog.db.transaction(() => listCatalogs(catalog.db))).rejects.toThrow(
      /inside one of its own transactions; pass the transaction's handle/,
    );
  });

  test('a database keeps its data and reopens without migrating again', async () => {
    const url = await newLocation();
    {
      await using catalog = await openCatalog({ url });
      expect(catalog.engine).toBe(engine);
      if (engine === 'sqlite') {
        expect(await sqlRows(catalog.db, sql`pragma journal_mode`)).toEqual([{ journal_mode: 'wal' }]);
      }
      await createCatalog(catalog.db, SYSTEM_ACTOR, { name: 'main', comment: 'kept' });
    }
    await using reopened = await openCatalog({ url });
    expect((await listCatalogs(reopened.db)).map((c) => [c.name, c.comment])).toEqual([['main', 'kept']]);
    expect(await getCatalogVersion(reopened.db)).toBe(1);
    const applied = await sqlRows(
      reopened.db,
      sql`select cast(count(*) as integer) as n from ${migrationsTable}`,
    );
    expect(applied).toEqual([{ n: migrationFiles.length }]);
  });

  test('close is idempotent, and a closed catalog refuses queries', async () => {
    const catalog = await openTestCatalog();
    await catalog.close();
    await catalog.close();
    await expect(listCatalogs(catalog.db)).rejects.toThrow();
  });
});
