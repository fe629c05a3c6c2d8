import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callerAs, openTestServices, seedUsers, type TestServices } from '../../../test/support/services';

let t: TestServices;
const as = (id: string | null) => callerAs(t.services, id).caller;
const ORDERS = 'main.sales.orders';

beforeEach(async () => {
  t = await openTestServices();
  await seedUsers(t.services);
  await as('editor').catalogs.create({ name: 'main' });
  await as('editor').catalogs.createSchema({ name: 'main.sales' });
  await as('editor').tables.create({
    name: ORDERS,
    columns: [
      { name: 'id', type: 'long', nullable: false },
      { name: 'item', type: 'string' },
    ],
  });
});
afterEach(() => t.close());

describe('tables.addColumns and tables.schemaVersions', () => {
  it('adds nullable columns as the next schema version, audited, with who and when', async () => {
    const table = await as('editor').tables.addColumns({
      name: ORDERS,
      columns: [{ name: 'qty', type: 'integer' }],
    });
    expect(table.deltaSchema.fields.map((f) => [f.name, f.nullable])).toEqual([
      ['id', false],
      ['item', true],
      ['qty', true],
    ]);
    const versions = await as('viewer').tables.schemaVersions({ name: ORDERS });
    expect(versions.map((v) => [v.version, v.change, v.createdBy, v.columns.map((c) => c.name)])).toEqual([
      [1, 'create', 'editor', ['id', 'item']],
      [2, 'add_columns', 'editor', ['id', 'item', 'qty']],
    ]);
    const audit = await as('admin').audit.list({});
    expect(audit.find((e) => e.action === 'table.add_columns')).toMatchObject({ target: ORDERS });
    // The ingest nodes get the widened schema with the next push.
    expect((await as('viewer').tables.get({ name: ORDERS })).columns).toHaveLength(3);
  });

  it('refuses a NOT NULL column, a name the table has (a type change) and a malformed column, in words', async () => {
    const editor = as('editor');
    await expect(
      editor.tables.addColumns({ name: ORDERS, columns: [{ name: 'q', type: 'long', nullable: false }] }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('column q: a column added to an existing table must be nullable'),
    });
    await expect(
      editor.tables.addColumns({ name: ORDERS, columns: [{ name: 'ITEM', type: 'long' }] }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining("changing a column's type is not supported"),
    });
    await expect(
      editor.tables.addColumns({ name: ORDERS, columns: [{ name: 'x', type: 'strin' }] }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining("unknown type 'strin'"),
    });
    await expect(editor.tables.addColumns({ name: ORDERS, columns: [] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(
      editor.tables.addColumns({ name: 'main.sales.gone', columns: [{ name: 'x', type: 'long' }] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await as('viewer').tables.schemaVersions({ name: ORDERS })).toHaveLength(1);
  });

  it('is for editors; versions are for any signed-in user', async () => {
    const input = { name: ORDERS, columns: [{ name: 'qty', type: 'integer' }] };
    await expect(as('viewer').tables.addColumns(input)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(null).tables.addColumns(input)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(as(null).tables.schemaVersions({ name: ORDERS })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(as('viewer').tables.schemaVersions({ name: 'main.sales.gone' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await as('admin').tables.addColumns(input)).columns).toHaveLength(3);
  });
});
