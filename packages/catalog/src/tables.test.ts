import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type CatalogErrorCode, isCatalogError } from './catalog-error.js';
import { createCatalog, createSchema, getSchema, listCatalogs, listSchemas } from './catalogs.js';
import type { ColumnInput } from './delta-types.js';
import { grantPrivilege, listGrants } from './grants.js';
import type { OpenCatalog } from './open-catalog.js';
import { addColumns, createTable, dropTable, getTable, listTables } from './tables.js';
import { ADMIN, seededCatalog } from './test-support/seed.js';

let catalog: OpenCatalog;
beforeEach(() => {
  catalog = seededCatalog();
});
afterEach(() => catalog.close());

function refusal(fn: () => unknown, code: CatalogErrorCode): string {
  try {
    fn();
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
  test('are created, listed and named in lower case', () => {
    createCatalog(catalog.db, ADMIN, { name: 'Lake', comment: 'raw', storageRoot: 's3://bucket/lake' });
    createSchema(catalog.db, ADMIN, { name: 'lake.Events' });
    expect(listCatalogs(catalog.db).map((c) => c.name)).toEqual(['lake', 'main']);
    expect(listSchemas(catalog.db, 'main').map((s) => s.name)).toEqual(['main.hr', 'main.sales']);
    expect(getSchema(catalog.db, 'LAKE.events').name).toBe('lake.events');
  });

  test('duplicates and missing parents are refused in words', () => {
    expect(refusal(() => createCatalog(catalog.db, ADMIN, { name: 'MAIN' }), 'ALREADY_EXISTS')).toBe(
      "catalog 'main' already exists",
    );
    expect(refusal(() => createSchema(catalog.db, ADMIN, { name: 'main.sales' }), 'ALREADY_EXISTS')).toBe(
      "schema 'main.sales' already exists",
    );
    expect(refusal(() => createSchema(catalog.db, ADMIN, { name: 'nope.x' }), 'NOT_FOUND')).toBe(
      "catalog 'nope' does not exist",
    );
    expect(refusal(() => createCatalog(catalog.db, ADMIN, { name: 'my-catalog' }), 'INVALID_NAME')).toContain(
      "catalog name 'my-catalog'",
    );
  });
});

describe('tables', () => {
  test('nested columns, nullability, comments, location, properties and creator round-trip', () => {
    const created = createTable(catalog.db, ADMIN, {
      name: 'Main.Sales.Customers',
      columns: nestedColumns,
      comment: 'who buys',
      properties: { 'delta.appendOnly': 'true' },
    });
    const table = getTable(catalog.db, 'main.sales.customers');
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

  test('the default location follows the catalog storage root; explicit locations are kept; none is shared', () => {
    createCatalog(catalog.db, ADMIN, { name: 'lake', storageRoot: 's3://bucket/root/' });
    createSchema(catalog.db, ADMIN, { name: 'lake.raw' });
    const t = createTable(catalog.db, ADMIN, {
      name: 'lake.raw.events',
      columns: [{ name: 'x', type: 'long' }],
    });
    expect(t.storageLocation).toBe('s3://bucket/root/lake/raw/events');
    const u = createTable(catalog.db, ADMIN, {
      name: 'lake.raw.other',
      columns: [{ name: 'x', type: 'long' }],
      location: '/data/other',
    });
    expect(u.storageLocation).toBe('/data/other');
    expect(
      refusal(
        () =>
          createTable(catalog.db, ADMIN, {
            name: 'lake.raw.third',
            columns: [{ name: 'x', type: 'long' }],
            location: '/data/other',
          }),
        'ALREADY_EXISTS',
      ),
    ).toBe("another table already lives at '/data/other'");
  });

  test('bad names, types, properties, duplicates and missing schemas are refused', () => {
    const col = [{ name: 'x', type: 'long' }];
    expect(
      refusal(
        () => createTable(catalog.db, ADMIN, { name: 'main.sales.orders', columns: col }),
        'ALREADY_EXISTS',
      ),
    ).toBe("table 'main.sales.orders' already exists");
    expect(
      refusal(() => createTable(catalog.db, ADMIN, { name: 'main.nope.t', columns: col }), 'NOT_FOUND'),
    ).toBe("schema 'main.nope' does not exist");
    expect(
      refusal(() => createTable(catalog.db, ADMIN, { name: 'main.sales', columns: col }), 'INVALID_NAME'),
    ).toContain('three-part');
    expect(
      refusal(
        () =>
          createTable(catalog.db, ADMIN, { name: 'main.sales.t', columns: [{ name: 'x', type: 'bigint' }] }),
        'INVALID_TYPE',
      ),
    ).toContain("column x: unknown type 'bigint' (did you mean 'long'?)");
    expect(
      refusal(
        () =>
          createTable(catalog.db, ADMIN, { name: 'main.sales.t', columns: col, properties: { 'a b': 'x' } }),
        'INVALID_NAME',
      ),
    ).toContain('property a b');
    expect(listTables(catalog.db, 'main.sales').map((t) => t.name)).toEqual(['main.sales.orders']);
  });

  test('nullable columns are added at the end; required or clashing ones are refused', () => {
    const table = addColumns(catalog.db, ADMIN, 'main.sales.orders', [
      { name: 'tags', type: { type: 'array', elementType: 'string' } },
    ]);
    expect(table.columns.map((c) => c.name)).toEqual(['id', 'item', 'tags']);
    expect(table.updatedAt).toBeGreaterThanOrEqual(table.createdAt);
    expect(
      refusal(
        () =>
          addColumns(catalog.db, ADMIN, 'main.sales.orders', [{ name: 'q', type: 'long', nullable: false }]),
        'INVALID_TYPE',
      ),
    ).toContain('column q: a column added to an existing table must be nullable');
    expect(
      refusal(
        () => addColumns(catalog.db, ADMIN, 'main.sales.orders', [{ name: 'ITEM', type: 'long' }]),
        'ALREADY_EXISTS',
      ),
    ).toBe("table 'main.sales.orders' already has column 'item' (same as 'ITEM' ignoring case)");
    expect(getTable(catalog.db, 'main.sales.orders').columns).toHaveLength(3);
  });

  test('listing by catalog, by schema, and all', () => {
    expect(listTables(catalog.db).map((t) => t.name)).toEqual(['main.hr.people', 'main.sales.orders']);
    expect(listTables(catalog.db, 'main.hr').map((t) => t.name)).toEqual(['main.hr.people']);
    expect(listTables(catalog.db, 'MAIN')).toHaveLength(2);
    expect(listTables(catalog.db, 'other')).toEqual([]);
  });

  test('dropping a table removes its columns and grants, and the name can be reused', () => {
    grantPrivilege(catalog.db, ADMIN, {
      principalId: 'svc',
      privilege: 'MODIFY',
      securable: { type: 'table', name: 'main.sales.orders' },
    });
    dropTable(catalog.db, ADMIN, 'main.sales.orders');
    expect(refusal(() => getTable(catalog.db, 'main.sales.orders'), 'NOT_FOUND')).toBe(
      "table 'main.sales.orders' does not exist",
    );
    expect(listGrants(catalog.db)).toEqual([]);
    expect(catalog.sqlite.prepare('select count(*) from columns').pluck().get()).toBe(1); // main.hr.people's
    const again = createTable(catalog.db, ADMIN, {
      name: 'main.sales.orders',
      columns: [{ name: 'x', type: 'long' }],
    });
    expect(again.columns.map((c) => c.name)).toEqual(['x']);
    expect(refusal(() => dropTable(catalog.db, ADMIN, 'main.sales.gone'), 'NOT_FOUND')).toContain(
      'main.sales.gone',
    );
  });
});
