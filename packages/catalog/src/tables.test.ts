import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type CatalogErrorCode, isCatalogError } from './catalog-error.js';
import { createCatalog, createSchema, getSchema, listCatalogs, listSchemas } from './catalogs.js';
import { diffColumns } from './column-diff.js';
import type { ColumnInput } from './delta-types.js';
import { grantPrivilege, listGrants } from './grants.js';
import type { OpenCatalog } from './open-catalog.js';
import { addColumns, createTable, dropTable, getTable, listSchemaVersions, listTables } from './tables.js';
import { ADMIN, seededCatalog } from './test-support/seed.js';
import { sqlRows } from './test-support/test-catalog.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await seededCatalog();
});
afterEach(() => catalog.close());

async function refusal(fn: () => unknown, code: CatalogErrorCode): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (isCatalogError(error, code)) return error.message;
    throw error;
  }
  throw new Error(`expected ${code}`);
}

const nestedColumns: ColumnInput[] = [
  { name: 'id', type: 'long', nullable: false, comment: 'the key' },
  {
    name: 'address',
    type: {
      type: 'struct',
      fields: [
        { name: 'street', type: 'string', nullable: false, metadata: { comment: 'line 1' } },
        { name: 'geo', type: { type: 'array', elementType: 'double', containsNull: false } },
      ],
    },
  },
  {
    name: 'attributes',
    type: { type: 'map', keyType: 'string', valueType: 'decimal(18,6)', valueContainsNull: false },
  },
  { name: 'day', type: 'date' },
  { name: 'at', type: 'timestamp' },
];

describe('catalogs and schemas', () => {
  test('are created, listed and named in lower case', async () => {
    await createCatalog(catalog.db, ADMIN, { name: 'Lake', comment: 'raw', storageRoot: 's3://bucket/lake' });
    await createSchema(catalog.db, ADMIN, { name: 'lake.Events' });
    expect((await listCatalogs(catalog.db)).map((c) => c.name)).toEqual(['lake', 'main']);
    expect((await listSchemas(catalog.db, 'main')).map((s) => s.name)).toEqual(['main.hr', 'main.sales']);
    expect((await getSchema(catalog.db, 'LAKE.events')).name).toBe('lake.events');
  });

  test('duplicates and missing parents are refused in words', async () => {
    expect(
      await refusal(async () => await createCatalog(catalog.db, ADMIN, { name: 'MAIN' }), 'ALREADY_EXISTS'),
    ).toBe("catalog 'main' already exists");
    expect(
      await refusal(
        async () => await createSchema(catalog.db, ADMIN, { name: 'main.sales' }),
        'ALREADY_EXISTS',
      ),
    ).toBe("schema 'main.sales' already exists");
    expect(
      await refusal(async () => await createSchema(catalog.db, ADMIN, { name: 'nope.x' }), 'NOT_FOUND'),
    ).toBe("catalog 'nope' does not exist");
    expect(
      await refusal(
        async () => await createCatalog(catalog.db, ADMIN, { name: 'my-catalog' }),
        'INVALID_NAME',
      ),
    ).toContain("catalog name 'my-catalog'");
  });
});

describe('tables', () => {
  test('nested columns, nullability, comments, location, properties and creator round-trip', async () => {
    const created = await createTable(catalog.db, ADMIN, {
      name: 'Main.Sales.Customers',
      columns: nestedColumns,
      comment: 'who buys',
      properties: { 'delta.appendOnly': 'true' },
    });
    const table = await getTable(catalog.db, 'main.sales.customers');
    expect(table).toEqual(created);
    expect(table.name).toBe('main.sales.customers');
    expect(table.comment).toBe('who buys');
    expect(table.storageLocation).toBe('tables/main/sales/customers');
    expect(table.properties).toEqual({ 'delta.appendOnly': 'true' });
    expect(table.createdBy).toBe('admin');
    expect(table.deltaSchema).toEqual({
      type: 'struct',
      fields: [
        { name: 'id', type: 'long', nullable: false, metadata: { comment: 'the key' } },
        {
          name: 'address',
          type: {
            type: 'struct',
            fields: [
              { name: 'street', type: 'string', nullable: false, metadata: { comment: 'line 1' } },
              {
                name: 'geo',
                type: { type: 'array', elementType: 'double', containsNull: false },
                nullable: true,
                metadata: {},
              },
            ],
          },
          nullable: true,
          metadata: {},
        },
        {
          name: 'attributes',
          type: { type: 'map', keyType: 'string', valueType: 'decimal(18,6)', valueContainsNull: false },
          nullable: true,
          metadata: {},
        },
        { name: 'day', type: 'date', nullable: true, metadata: {} },
        { name: 'at', type: 'timestamp', nullable: true, metadata: {} },
      ],
    });
  });

  test('the default location follows the catalog storage root; explicit locations are kept; none is shared', async () => {
    await createCatalog(catalog.db, ADMIN, { name: 'lake', storageRoot: 's3://bucket/root/' });
    await createSchema(catalog.db, ADMIN, { name: 'lake.raw' });
    const t = await createTable(catalog.db, ADMIN, {
      name: 'lake.raw.events',
      columns: [{ name: 'x', type: 'long' }],
    });
    expect(t.storageLocation).toBe('s3://bucket/root/lake/raw/events');
    const u = await createTable(catalog.db, ADMIN, {
      name: 'lake.raw.other',
      columns: [{ name: 'x', type: 'long' }],
      location: '/data/other',
    });
    expect(u.storageLocation).toBe('/data/other');
    expect(
      await refusal(
        async () =>
          await createTable(catalog.db, ADMIN, {
            name: 'lake.raw.third',
            columns: [{ name: 'x', type: 'long' }],
            location: '/data/other',
          }),
        'ALREADY_EXISTS',
      ),
    ).toBe("another table already lives at '/data/other'");
  });

  test('bad names, types, properties, duplicates and missing schemas are refused', async () => {
    const col = [{ name: 'x', type: 'long' }];
    expect(
      await refusal(
        async () => await createTable(catalog.db, ADMIN, { name: 'main.sales.orders', columns: col }),
        'ALREADY_EXISTS',
      ),
    ).toBe("table 'main.sales.orders' already exists");
    expect(
      await refusal(
        async () => await createTable(catalog.db, ADMIN, { name: 'main.nope.t', columns: col }),
        'NOT_FOUND',
      ),
    ).toBe("schema 'main.nope' does not exist");
    expect(
      await refusal(
        async () => await createTable(catalog.db, ADMIN, { name: 'main.sales', columns: col }),
        'INVALID_NAME',
      ),
    ).toContain('three-part');
    expect(
      await refusal(
        async () =>
          await createTable(catalog.db, ADMIN, {
            name: 'main.sales.t',
            columns: [{ name: 'x', type: 'bigint' }],
          }),
        'INVALID_TYPE',
      ),
    ).toContain("column x: unknown type 'bigint' (did you mean 'long'?)");
    expect(
      await refusal(
        async () =>
          await createTable(catalog.db, ADMIN, {
            name: 'main.sales.t',
            columns: col,
            properties: { 'a b': 'x' },
          }),
        'INVALID_NAME',
      ),
    ).toContain('property a b');
    expect((await listTables(catalog.db, 'main.sales')).map((t) => t.name)).toEqual(['main.sales.orders']);
  });

  test('nullable columns are added at the end; required or clashing ones are refused', async () => {
    const table = await addColumns(catalog.db, ADMIN, 'main.sales.orders', [
      { name: 'tags', type: { type: 'array', elementType: 'string' } },
    ]);
    expect(table.columns.map((c) => c.name)).toEqual(['id', 'item', 'tags']);
    expect(table.updatedAt).toBeGreaterThanOrEqual(table.createdAt);
    expect(
      await refusal(
        async () =>
          await addColumns(catalog.db, ADMIN, 'main.sales.orders', [
            { name: 'q', type: 'long', nullable: false },
          ]),
        'INVALID_TYPE',
      ),
    ).toContain('column q: a column added to an existing table must be nullable');
    expect(
      await refusal(
        async () =>
          await addColumns(catalog.db, ADMIN, 'main.sales.orders', [{ name: 'ITEM', type: 'long' }]),
        'ALREADY_EXISTS',
      ),
    ).toBe(
      "table 'main.sales.orders' already has column 'item' (same as 'ITEM' ignoring case); changing a column's type is not supported (only new nullable columns can be added): add a column under a new name",
    );
    expect(
      await refusal(
        async () =>
          await addColumns(catalog.db, ADMIN, 'main.sales.orders', [{ name: 'Item', type: 'string' }]),
        'ALREADY_EXISTS',
      ),
    ).toBe("table 'main.sales.orders' already has column 'item' (same as 'Item' ignoring case)");
    expect((await getTable(catalog.db, 'main.sales.orders')).columns).toHaveLength(3);
  });

  test('listing by catalog, by schema, and all', async () => {
    expect((await listTables(catalog.db)).map((t) => t.name)).toEqual([
      'main.hr.people',
      'main.sales.orders',
    ]);
    expect((await listTables(catalog.db, 'main.hr')).map((t) => t.name)).toEqual(['main.hr.people']);
    expect(await listTables(catalog.db, 'MAIN')).toHaveLength(2);
    expect(await listTables(catalog.db, 'other')).toEqual([]);
  });

  test('dropping a table removes its columns and grants, and the name can be reused', async () => {
    await grantPrivilege(catalog.db, ADMIN, {
      principalId: 'svc',
      privilege: 'MODIFY',
      securable: { type: 'table', name: 'main.sales.orders' },
    });
    await dropTable(catalog.db, ADMIN, 'main.sales.orders');
    expect(await refusal(async () => await getTable(catalog.db, 'main.sales.orders'), 'NOT_FOUND')).toBe(
      "table 'main.sales.orders' does not exist",
    );
    expect(await listGrants(catalog.db)).toEqual([]);
    expect(await sqlRows(catalog.db, sql`select cast(count(*) as integer) as n from columns`)).toEqual([
      { n: 1 },
    ]); // main.hr.people's
    const again = await createTable(catalog.db, ADMIN, {
      name: 'main.sales.orders',
      columns: [{ name: 'x', type: 'long' }],
    });
    expect(again.columns.map((c) => c.name)).toEqual(['x']);
    expect(
      await refusal(async () => await dropTable(catalog.db, ADMIN, 'main.sales.gone'), 'NOT_FOUND'),
    ).toContain('main.sales.gone');
  });
});

describe('schema versions', () => {
  const BOB = { principalId: 'bob', address: null };

  test('version 1 is the table as created; each addColumns makes the next, with who and when', async () => {
    const before = Date.now();
    await addColumns(catalog.db, BOB, 'main.sales.orders', [{ name: 'qty', type: 'integer' }]);
    await addColumns(catalog.db, ADMIN, 'MAIN.sales.orders', [
      { name: 'note', type: 'string', comment: 'free text' },
      { name: 'tags', type: { type: 'array', elementType: 'string' } },
    ]);
    const versions = await listSchemaVersions(catalog.db, 'main.sales.orders');
    expect(versions.map((v) => [v.version, v.change, v.createdBy, v.columns.map((c) => c.name)])).toEqual([
      [1, 'create', 'admin', ['id', 'item']],
      [2, 'add_columns', 'bob', ['id', 'item', 'qty']],
      [3, 'add_columns', 'admin', ['id', 'item', 'qty', 'note', 'tags']],
    ]);
    expect(versions[2]!.createdAt).toBeGreaterThanOrEqual(before);
    expect(versions[2]!.columns[3]).toEqual({
      name: 'note',
      type: 'string',
      nullable: true,
      comment: 'free text',
    });
    // Other tables keep their own numbering.
    expect((await listSchemaVersions(catalog.db, 'main.hr.people')).map((v) => v.version)).toEqual([1]);
  });

  test('the diff of two versions names the added columns, in either order of asking', async () => {
    await addColumns(catalog.db, ADMIN, 'main.sales.orders', [{ name: 'qty', type: 'integer' }]);
    await addColumns(catalog.db, ADMIN, 'main.sales.orders', [{ name: 'note', type: 'string' }]);
    const [v1, , v3] = await listSchemaVersions(catalog.db, 'main.sales.orders');
    const diff = diffColumns(v1!.columns, v3!.columns);
    expect(diff.added.map((c) => `${c.name}:${String(c.type)}`)).toEqual(['qty:integer', 'note:string']);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toEqual([]);
    expect(diffColumns(v3!.columns, v1!.columns).removed.map((c) => c.name)).toEqual(['qty', 'note']);
    expect(diffColumns(v1!.columns, v1!.columns)).toEqual({ added: [], removed: [], changed: [] });
  });

  test('a refused change makes no version; a table without stored versions gets its version 1 first', async () => {
    await refusal(
      async () => await addColumns(catalog.db, ADMIN, 'main.sales.orders', [{ name: 'id', type: 'long' }]),
      'ALREADY_EXISTS',
    );
    expect(await listSchemaVersions(catalog.db, 'main.sales.orders')).toHaveLength(1);
    // A table made before versions were kept: its versions are gone, as after the migration.
    await sqlRows(catalog.db, sql`delete from table_schema_versions`);
    expect((await listSchemaVersions(catalog.db, 'main.sales.orders')).map((v) => v.version)).toEqual([1]);
    await addColumns(catalog.db, BOB, 'main.sales.orders', [{ name: 'qty', type: 'integer' }]);
    const versions = await listSchemaVersions(catalog.db, 'main.sales.orders');
    expect(versions.map((v) => [v.version, v.createdBy, v.columns.length])).toEqual([
      [1, 'admin', 2],
      [2, 'bob', 3],
    ]);
    expect(
      await refusal(async () => await listSchemaVersions(catalog.db, 'main.sales.gone'), 'NOT_FOUND'),
    ).toBe("table 'main.sales.gone' does not exist");
  });

  test('dropping a table drops its versions', async () => {
    await addColumns(catalog.db, ADMIN, 'main.sales.orders', [{ name: 'qty', type: 'integer' }]);
    await dropTable(catalog.db, ADMIN, 'main.sales.orders');
    expect(
      await sqlRows(catalog.db, sql`select cast(count(*) as integer) as n from table_schema_versions`),
    ).toEqual([{ n: 1 }]); // main.hr.people's
  });
});
