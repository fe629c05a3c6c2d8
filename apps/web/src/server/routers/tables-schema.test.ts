import descriptor from 'protobufjs/ext/descriptor.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callerAs, openTestServices, seedUsers, type TestServices } from '../../../test/support/services';

let t: TestServices;
const as = (id: string | null) => callerAs(t.services, id).caller;

beforeEach(async () => {
  t = await openTestServices();
  await seedUsers(t.services);
  await as('editor').catalogs.create({ name: 'main' });
  await as('editor').catalogs.createSchema({ name: 'main.sales' });
});
afterEach(() => t.close());

describe('tables.schemaPreview', () => {
  it('returns the Delta schema and .proto that create would make, and creates nothing', async () => {
    const before = (await as('admin').audit.list({})).length;
    const preview = await as('editor').tables.schemaPreview({
      name: 'Main.Sales.Orders',
      columns: [
        { name: 'id', type: 'long', nullable: false },
        { name: 'lines', type: { type: 'array', elementType: 'string' } },
      ],
    });
    if (!preview.valid) throw new Error(preview.reason);
    expect(preview.deltaSchema).toEqual({
      type: 'struct',
      fields: [
        { name: 'id', type: 'long', nullable: false, metadata: {} },
        {
          name: 'lines',
          type: { type: 'array', elementType: 'string', containsNull: true },
          nullable: true,
          metadata: {},
        },
      ],
    });
    expect(preview.proto).toContain('// Records of table main.sales.orders.');
    expect(preview.proto).toContain('required int64 id = 1;');
    expect(preview.proto).toContain('repeated string lines = 2;');
    expect(preview.protoError).toBeNull();
    expect(await as('viewer').tables.list()).toEqual([]);
    expect((await as('admin').audit.list({})).length).toBe(before);
  });

  it('answers {valid: false, reason} (not an HTTP error) naming the bad column path, or the bad name', async () => {
    const editor = as('editor');
    expect(
      await editor.tables.schemaPreview({
        name: 'main.sales.t',
        columns: [{ name: 'addr', type: { type: 'struct', fields: [{ name: 'zip', type: 'strin' }] } }],
      }),
    ).toEqual({ valid: false, reason: expect.stringContaining("column addr.zip: unknown type 'strin'") });
    expect(
      await editor.tables.schemaPreview({ name: 'orders', columns: [{ name: 'a', type: 'long' }] }),
    ).toEqual({ valid: false, reason: expect.stringContaining('three-part table name') });
    expect(await editor.tables.schemaPreview({ name: 'main.sales.t', columns: [] })).toEqual({
      valid: false,
      reason: 'a table needs at least one column',
    });
  });

  it('previews a table without a protobuf form with the reason instead of a .proto', async () => {
    const preview = await as('editor').tables.schemaPreview({
      name: 'main.sales.money',
      columns: [{ name: 'amount', type: 'decimal(10,2)' }],
    });
    if (!preview.valid) throw new Error(preview.reason);
    expect(preview.deltaSchema.fields[0]?.type).toBe('decimal(10,2)');
    expect(preview).toMatchObject({
      valid: true,
      proto: '',
      protoError:
        "column amount: no protobuf type for 'decimal(10,2)' (only decimal(20,0), as uint64, has a protobuf form)",
    });
  });

  it('is for editors only', async () => {
    const input = { name: 'main.sales.t', columns: [{ name: 'a', type: 'long' }] };
    await expect(as('viewer').tables.schemaPreview(input)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(null).tables.schemaPreview(input)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('tables.descriptor', () => {
  it("serves the table's DescriptorProto as base64 with a file name, to any signed-in user", async () => {
    await as('editor').tables.create({
      name: 'main.sales.orders',
      columns: [
        { name: 'id', type: 'long', nullable: false },
        { name: 'customer', type: { type: 'struct', fields: [{ name: 'name', type: 'string' }] } },
      ],
    });
    const d = await as('viewer').tables.descriptor({ name: 'main.sales.orders' });
    expect(d.fileName).toBe('orders.desc');
    const decoded = descriptor.DescriptorProto.toObject(
      descriptor.DescriptorProto.decode(Buffer.from(d.base64, 'base64')),
    ) as descriptor.IDescriptorProto;
    expect(decoded.name).toBe('Orders');
    expect((decoded.field ?? []).map((f) => [f.name, f.number, f.typeName || null])).toEqual([
      ['id', 1, null],
      ['customer', 2, '.Orders.Customer'],
    ]);
    expect((decoded.nestedType ?? []).map((n) => n.name)).toEqual(['Customer']);
  });

  it('is NOT_FOUND for an unknown table, BAD_REQUEST for one without a protobuf form, refused anonymously', async () => {
    await as('editor').tables.create({
      name: 'main.sales.money',
      columns: [{ name: 'amount', type: 'decimal(10,2)' }],
    });
    await expect(as('viewer').tables.descriptor({ name: 'main.sales.nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(as('viewer').tables.descriptor({ name: 'main.sales.money' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining("column amount: no protobuf type for 'decimal(10,2)'"),
    });
    await expect(as(null).tables.descriptor({ name: 'main.sales.money' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});
