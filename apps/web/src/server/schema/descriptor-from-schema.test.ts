import { parseColumns, toDeltaSchema } from '@lakestream/catalog';
import { loadSchema } from '@lakestream/testkit';
import { createParser } from '@lakestream/zeroparser';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import { describe, expect, it } from 'vitest';
import { NESTED_ORDER_COLUMNS } from '../../../test/support/nested-columns';
import { descriptorFileName, descriptorFromSchema } from './descriptor-from-schema';
import { ProtoSchemaError, protoFromSchema } from './proto-from-schema';

const TABLE = 'main.sales.orders';
const schema = toDeltaSchema(
  parseColumns([
    { name: 'id', type: 'long', nullable: false },
    { name: 'note', type: 'string' },
    { name: 'at', type: 'timestamp' },
    { name: 'u64', type: 'decimal(20,0)' },
    ...NESTED_ORDER_COLUMNS,
  ]),
);

type Decoded = descriptor.IDescriptorProto;

function decode(bytes: Uint8Array): Decoded {
  const message = descriptor.DescriptorProto.decode(bytes);
  return descriptor.DescriptorProto.toObject(message, { defaults: false }) as Decoded;
}

/** `[name, number, label, type, typeName]` of a message's fields. */
function fieldsOf(message: Decoded | undefined) {
  return (message?.field ?? []).map((f) => [f.name, f.number, f.label, f.type, f.typeName ?? null]);
}

/** A decoded descriptor without `jsonName` (protobufjs adds it, protoc's own descriptors vary; no parser reads it). */
function withoutJsonNames(message: Decoded): Decoded {
  return {
    ...message,
    field: (message.field ?? []).map(({ jsonName: _, ...f }) => f),
    nestedType: (message.nestedType ?? []).map(withoutJsonNames),
  };
}

describe('descriptorFromSchema', () => {
  it('describes every column with its number, label and type, nested messages and map entries inside', () => {
    const d = decode(descriptorFromSchema(TABLE, schema));
    expect(d.name).toBe('Orders');
    // label: 1 optional, 2 required, 3 repeated; type: 3 int64, 4 uint64, 5 int32, 9 string, 11 message, 1 double
    expect(fieldsOf(d)).toEqual([
      ['id', 1, 2, 3, null],
      ['note', 2, 1, 9, null],
      ['at', 3, 1, 3, null],
      ['u64', 4, 1, 4, null],
      ['customer', 5, 1, 11, '.Orders.Customer'],
      ['lines', 6, 3, 11, '.Orders.Lines'],
      ['tags', 7, 3, 9, null],
      ['attrs', 8, 3, 11, '.Orders.AttrsEntry'],
      ['by_day', 9, 3, 11, '.Orders.ByDayEntry'],
    ]);
    const nested = new Map((d.nestedType ?? []).map((n) => [n.name, n]));
    expect([...nested.keys()]).toEqual(['AttrsEntry', 'ByDayEntry', 'Customer', 'Lines', 'ByDay']);
    expect(nested.get('AttrsEntry')?.options?.mapEntry).toBe(true);
    expect(fieldsOf(nested.get('AttrsEntry'))).toEqual([
      ['key', 1, 1, 9, null],
      ['value', 2, 1, 3, null],
    ]);
    expect(fieldsOf(nested.get('ByDayEntry'))).toEqual([
      ['key', 1, 1, 5, null],
      ['value', 2, 1, 11, '.Orders.ByDay'],
    ]);
    const customer = nested.get('Customer');
    expect(fieldsOf(customer)).toEqual([
      ['name', 1, 2, 9, null],
      ['address', 2, 1, 11, '.Orders.Customer.Address'],
    ]);
    expect(fieldsOf(customer?.nestedType?.[0])).toEqual([['zip', 1, 1, 9, null]]);
    expect(fieldsOf(nested.get('Lines'))).toEqual([
      ['sku', 1, 1, 9, null],
      ['qty', 2, 1, 5, null],
    ]);
  });

  it('equals what protoc-style tooling makes of the table .proto (testkit parses the text with protobufjs)', () => {
    const official = loadSchema(protoFromSchema(TABLE, schema), 'Orders', 'protoc');
    expect(withoutJsonNames(decode(descriptorFromSchema(TABLE, schema)))).toEqual(
      withoutJsonNames(decode(official.descriptorProto)),
    );
  });

  it('is accepted by zeroparser against the table schema, and decodes records the SDK would send', () => {
    const bytes = descriptorFromSchema(TABLE, schema);
    const parser = createParser(bytes, { tableSchema: schema });
    expect(parser.schema.fields.map((f) => f.name)).toEqual(schema.fields.map((f) => f.name));
    expect(String(parser.schema.fields.find((f) => f.name === 'at')?.type)).toBe(
      'Timestamp<MICROSECOND, UTC>',
    );

    // A record encoded from the .proto text with protobufjs (independent of the descriptor bytes).
    const Orders = protobuf
      .parse(protoFromSchema(TABLE, schema), { keepCase: true })
      .root.lookupType('Orders');
    const record = Orders.encode(
      Orders.fromObject({
        id: '9007199254740993',
        note: 'hello',
        at: 1_700_000_000_123_456,
        customer: { name: 'Ada', address: { zip: '10115' } },
        lines: [
          { sku: 'tea', qty: 2 },
          { sku: 'cup', qty: 1 },
        ],
        tags: ['a', 'b'],
        attrs: { colour: 7 },
        by_day: { 3: { total: 1.5 } },
      }),
    ).finish();
    const row = parser.decodeBatch([record]).get(0)?.toJSON() as Record<string, unknown>;
    expect(row.id).toBe(9007199254740993n);
    expect(row.note).toBe('hello');
    expect(JSON.parse(JSON.stringify(row.customer))).toEqual({ name: 'Ada', address: { zip: '10115' } });
    expect(JSON.parse(JSON.stringify(row.lines))).toEqual([
      { sku: 'tea', qty: 2 },
      { sku: 'cup', qty: 1 },
    ]);
    expect(JSON.parse(JSON.stringify(row.tags))).toEqual(['a', 'b']);
    expect(row.u64).toBeNull();
  });

  it('refuses a schema without a protobuf form, naming the column', () => {
    const money = toDeltaSchema(parseColumns([{ name: 'amount', type: 'decimal(10,2)' }]));
    expect(() => descriptorFromSchema('c.s.t', money)).toThrow(ProtoSchemaError);
    expect(() => descriptorFromSchema('c.s.t', money)).toThrow(
      "column amount: no protobuf type for 'decimal(10,2)'",
    );
  });

  it('names the download after the table', () => {
    expect(descriptorFileName('main.sales.orders')).toBe('orders.desc');
  });
});
