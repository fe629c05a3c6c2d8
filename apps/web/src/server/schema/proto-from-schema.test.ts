import { parseColumns, toDeltaSchema } from '@lakestream/catalog';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { NESTED_ORDER_COLUMNS } from '../../../test/support/nested-columns';
import { ProtoSchemaError, protoFromSchema } from './proto-from-schema';

const schemaOf = (columns: unknown) => toDeltaSchema(parseColumns(columns));

describe('protoFromSchema', () => {
  it('maps every scalar type and NOT NULL by the Zerobus conventions', () => {
    const proto = protoFromSchema(
      'main.sales.all_types',
      schemaOf([
        { name: 'id', type: 'long', nullable: false },
        { name: 's', type: 'string' },
        { name: 'i', type: 'integer' },
        { name: 'sh', type: 'short' },
        { name: 'b', type: 'byte' },
        { name: 'f', type: 'float' },
        { name: 'd', type: 'double' },
        { name: 'ok', type: 'boolean' },
        { name: 'raw', type: 'binary' },
        { name: 'day', type: 'date' },
        { name: 'at', type: 'timestamp' },
        { name: 'u64', type: 'decimal(20,0)' },
      ]),
    );
    expect(proto).toBe(`syntax = "proto2";

// Records of table main.sales.all_types.
message AllTypes {
  required int64 id = 1;
  optional string s = 2;
  optional int32 i = 3;
  optional int32 sh = 4;
  optional int32 b = 5;
  optional float f = 6;
  optional double d = 7;
  optional bool ok = 8;
  optional bytes raw = 9;
  optional int32 day = 10; // days since 1970-01-01
  optional int64 at = 11; // microseconds since 1970-01-01T00:00:00Z (UTC)
  optional uint64 u64 = 12;
}
`);
  });

  it('nests structs, arrays of structs and maps (golden), and protobufjs parses the result', () => {
    const proto = protoFromSchema(
      'main.sales.orders',
      schemaOf([{ name: 'id', type: 'long', nullable: false }, ...NESTED_ORDER_COLUMNS]),
    );
    expect(proto).toBe(`syntax = "proto2";

// Records of table main.sales.orders.
message Orders {
  required int64 id = 1;
  optional Customer customer = 2;
  repeated Lines lines = 3;
  repeated string tags = 4;
  map<string, int64> attrs = 5;
  map<int32, ByDay> by_day = 6;

  message Customer {
    required string name = 1;
    optional Address address = 2;

    message Address {
      optional string zip = 1;
    }
  }

  message Lines {
    optional string sku = 1;
    optional int32 qty = 2;
  }

  message ByDay {
    optional double total = 1;
  }
}
`);
    const root = protobuf.parse(proto, { keepCase: true }).root;
    const Orders = root.lookupType('Orders');
    expect(Orders.fieldsArray.map((f) => [f.name, f.id, f.type, f.repeated])).toEqual([
      ['id', 1, 'int64', false],
      ['customer', 2, 'Customer', false],
      ['lines', 3, 'Lines', true],
      ['tags', 4, 'string', true],
      ['attrs', 5, 'int64', false],
      ['by_day', 6, 'ByDay', false],
    ]);
    const message = Orders.fromObject({
      id: 7,
      customer: { name: 'Ada' },
      lines: [{ sku: 'x', qty: 2 }],
      attrs: { a: 1 },
    });
    const decoded = Orders.toObject(Orders.decode(Orders.encode(message).finish()), { longs: Number });
    expect(decoded).toMatchObject({
      id: 7,
      customer: { name: 'Ada' },
      lines: [{ sku: 'x', qty: 2 }],
      attrs: { a: 1 },
    });
  });

  it('says the unit of every date and timestamp: in structs, arrays and maps too', () => {
    const proto = protoFromSchema(
      'main.sales.events',
      schemaOf([
        { name: 'at', type: 'timestamp', nullable: false },
        { name: 'inner', type: { type: 'struct', fields: [{ name: 'day', type: 'date' }] } },
        { name: 'ats', type: { type: 'array', elementType: 'timestamp' } },
        { name: 'by_day', type: { type: 'map', keyType: 'date', valueType: 'timestamp' } },
        { name: 'n', type: 'long' },
      ]),
    );
    expect(proto).toBe(`syntax = "proto2";

// Records of table main.sales.events.
message Events {
  required int64 at = 1; // microseconds since 1970-01-01T00:00:00Z (UTC)
  optional Inner inner = 2;
  repeated int64 ats = 3; // each element: microseconds since 1970-01-01T00:00:00Z (UTC)
  map<int32, int64> by_day = 4; // keys: days since 1970-01-01; values: microseconds since 1970-01-01T00:00:00Z (UTC)
  optional int64 n = 5;

  message Inner {
    optional int32 day = 1; // days since 1970-01-01
  }
}
`);
    expect(() => protobuf.parse(proto)).not.toThrow();
  });

  it('names colliding nested messages apart', () => {
    const proto = protoFromSchema(
      'c.s.t',
      schemaOf([
        { name: 't', type: { type: 'struct', fields: [{ name: 'a', type: 'long' }] } },
        { name: 'T_', type: { type: 'struct', fields: [{ name: 'b', type: 'long' }] } },
      ]),
    );
    expect(proto).toContain('optional T2 t = 1;');
    expect(proto).toContain('optional T3 T_ = 2;');
    expect(() => protobuf.parse(proto)).not.toThrow();
  });

  it("keeps protoc's map entry names free: a struct column named like one gets another name", () => {
    const proto = protoFromSchema(
      'c.s.t',
      schemaOf([
        { name: 'attrs', type: { type: 'map', keyType: 'string', valueType: 'long' } },
        { name: 'attrs_entry', type: { type: 'struct', fields: [{ name: 'a', type: 'long' }] } },
      ]),
    );
    // protoc names the entry of map `attrs` AttrsEntry; a nested message of that name would clash with it.
    expect(proto).toContain('optional AttrsEntry2 attrs_entry = 2;');
    expect(proto).toContain('message AttrsEntry2 {');
  });

  it('refuses types without a protobuf form, naming the column', () => {
    const cases: [unknown, string][] = [
      [[{ name: 'price', type: 'decimal(10,2)' }], "column price: no protobuf type for 'decimal(10,2)'"],
      [
        [{ name: 'm', type: { type: 'array', elementType: { type: 'array', elementType: 'long' } } }],
        'column m.element: an array element cannot be an array',
      ],
      [
        [{ name: 'm', type: { type: 'map', keyType: 'double', valueType: 'long' } }],
        'column m.key: a protobuf map key must be a string, integer or boolean',
      ],
      [[{ name: 'odd-name', type: 'long' }], "column odd-name: 'odd-name' is not a protobuf field name"],
    ];
    for (const [columns, message] of cases) {
      expect(() => protoFromSchema('c.s.t', schemaOf(columns))).toThrow(ProtoSchemaError);
      expect(() => protoFromSchema('c.s.t', schemaOf(columns))).toThrow(message);
    }
  });
});
