import { loadSchema } from '@lakestream/testkit';
import { DateDay, Int8, Int16, Int32, TimestampMicrosecond } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createParser, DecodeError, SchemaError, type TableStruct, type TableType } from '../src/index.js';

const proto = `syntax = "proto2"; package t;
message Event {
  message Point { optional double x = 1; optional double y = 2; }
  optional int64 at = 1;
  optional int32 day = 2;
  optional int32 level = 3;
  optional int32 flag = 4;
  optional int32 count = 5;
  optional string name = 6;
  repeated string tags = 7;
  optional Point where = 8;
  optional fixed64 cell = 9;
}`;
const schema = loadSchema(proto, 't.Event');

const column = (name: string, type: TableType) => ({
  name,
  type,
  nullable: true,
});
const table = (overrides: Record<string, TableType> = {}): TableStruct => {
  const columns: Record<string, TableType> = {
    at: 'timestamp',
    day: 'date',
    level: 'short',
    flag: 'byte',
    count: 'long',
    name: 'string',
    tags: { type: 'array', elementType: 'string', containsNull: false },
    where: { type: 'struct', fields: [column('x', 'double'), column('y', 'double')] },
    cell: 'decimal(20,0)',
    ...overrides,
  };
  return { type: 'struct', fields: Object.entries(columns).map(([name, type]) => column(name, type)) };
};

function schemaError(overrides: Record<string, TableType>): SchemaError {
  try {
    createParser(schema.descriptorProto, { tableSchema: table(overrides) });
  } catch (error) {
    if (error instanceof SchemaError) return error;
    throw error;
  }
  throw new Error('expected a SchemaError');
}

describe('a table schema passed to createParser', () => {
  const parser = createParser(schema.descriptorProto, { tableSchema: table() });

  it('applies the Zerobus conventions and narrow integer columns', () => {
    expect(parser.schema.fields.map((f) => String(f.type))).toEqual([
      String(new TimestampMicrosecond('UTC')),
      String(new DateDay()),
      String(new Int16()),
      String(new Int8()),
      // int32 into a long column stays Int32 here; delta widens it exactly.
      String(new Int32()),
      'Utf8',
      'List<Utf8>',
      'Struct<{x:Float64, y:Float64}>',
      // uint64 under decimal(20,0) stays Uint64; delta converts it exactly.
      'Uint64',
    ]);
    const record = schema.type
      .encode({ at: 1_700_000_000_123_456, day: 19_675, level: -32768, flag: 127, count: 5, name: 'n' })
      .finish();
    const batch = parser.decodeBatch([record]);
    expect(batch.getChild('at')!.data[0]!.values[0]).toBe(1_700_000_000_123_456n);
    expect(batch.getChild('day')!.get(0)).toBe(19_675 * 86_400_000);
    expect(batch.getChild('level')!.get(0)).toBe(-32768);
    expect(batch.getChild('flag')!.get(0)).toBe(127);
  });

  it('refuses a value out of a narrow column, naming record and field', () => {
    const good = schema.type.encode({ level: 1 }).finish();
    const bad = schema.type.encode({ level: 40_000 }).finish();
    const { batch, errors } = parser.decodeBatchSettled([good, bad, good]);
    expect(batch.numRows).toBe(2);
    expect(errors).toHaveLength(1);
    const error = errors[0]!;
    expect(error).toBeInstanceOf(DecodeError);
    expect(error.code).toBe('OUT_OF_RANGE');
    expect(error.recordIndex).toBe(1);
    expect(error.fieldPath).toBe('level');
    expect(error.byteOffset).toBe(0);
    expect(error.message).toContain('40000 does not fit the column (-32768 to 32767)');
  });

  it('refuses every field that does not fit its column, saying what would', () => {
    const cases: [Record<string, TableType>, string, string][] = [
      [{ count: 'string' }, 'count', 'a string column takes string, not int32'],
      [{ name: 'long' }, 'name', 'a long column takes int64, sint64, sfixed64, int32'],
      [{ at: 'date' }, 'at', 'a date column takes int32, sint32, sfixed32, not int64'],
      [{ count: 'decimal(10,2)' }, 'count', 'a int32 field cannot fill a decimal(10,2) column'],
      [{ count: 'decimal(20,0)' }, 'count', 'a decimal(20,0) column takes uint64, fixed64, not int32'],
      [{ tags: 'string' }, 'tags', 'a repeated field needs an array column'],
      [{ where: 'string' }, 'where', 'a message field needs a struct column'],
      [
        { where: { type: 'struct', fields: [column('x', 'float'), column('y', 'double')] } },
        'where.x',
        'a float column takes float, not double',
      ],
    ];
    for (const [overrides, path, why] of cases) {
      const error = schemaError(overrides);
      expect(error.code, path).toBe('TABLE_SCHEMA_MISMATCH');
      expect(error.fieldPath, path).toBe(path);
      expect(error.message, path).toContain(why);
    }
  });

  it('refuses a field the table has no column for', () => {
    const fields = table().fields.filter((f) => f.name !== 'name');
    expect(() => createParser(schema.descriptorProto, { tableSchema: { type: 'struct', fields } })).toThrow(
      /field 'name': the table has no column 'name'.*\(UNKNOWN_COLUMN\)$/,
    );
  });
});
