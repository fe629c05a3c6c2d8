import {
  Binary,
  Bool,
  DateDay,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  type RecordBatch,
  Schema,
  TimestampMicrosecond,
  TimestampMillisecond,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DecodeError, SchemaError } from '../errors.js';
import type { JsonParserOptions } from '../options.js';
import { createJsonParser } from './index.js';
import { field, listOf, mapOf, structOf } from './test-support/test-schema.js';

function column(batch: RecordBatch, name: string): Vector {
  const vector = batch.getChild(name);
  if (vector === null) throw new Error(`no column ${name}`);
  return vector;
}

/** Column `name` read back row by row with apache-arrow's own `get`. */
function values(batch: RecordBatch, name: string): unknown[] {
  const vector = column(batch, name);
  return Array.from({ length: batch.numRows }, (_, i) => vector.get(i));
}

/** The exact µs of a Timestamp column (apache-arrow's `get` gives float milliseconds). */
function micros(batch: RecordBatch, name: string): (bigint | null)[] {
  const vector = column(batch, name);
  const data = vector.data[0]!;
  return Array.from({ length: batch.numRows }, (_, i) =>
    vector.isValid(i) ? (data.values as BigInt64Array)[data.offset + i]! : null,
  );
}

/** Plain JS of a nested value (struct rows, list vectors, map rows), bigints kept. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return Array.from(value);
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') {
    const out = json.call(value);
    if (Array.isArray(out)) return out.map(plain);
    return Object.fromEntries(Object.entries(out as object).map(([k, v]) => [k, plain(v)]));
  }
  if (Symbol.iterator in value) return Array.from(value as Iterable<unknown>, plain);
  return value;
}

function decodeOne(schema: Schema, record: string, options?: JsonParserOptions): RecordBatch {
  return createJsonParser(schema, options).decodeBatch([record]);
}

/** The single error of decoding `records` in settled mode. */
function errorOf(schema: Schema, records: string[], options?: JsonParserOptions): DecodeError {
  const { batch, errors } = createJsonParser(schema, options).decodeBatchSettled(records);
  expect(errors).toHaveLength(1);
  expect(batch.numRows).toBe(records.length - 1);
  return errors[0]!;
}

function expectError(
  error: DecodeError,
  expected: { code: string; recordIndex: number; fieldPath: string; byteOffset?: number; detail: RegExp },
): void {
  expect(error).toBeInstanceOf(DecodeError);
  expect(error.code).toBe(expected.code);
  expect(error.recordIndex).toBe(expected.recordIndex);
  expect(error.fieldPath).toBe(expected.fieldPath);
  expect(error.byteOffset).toBe(expected.byteOffset ?? -1);
  expect(error.detail).toMatch(expected.detail);
}

describe('scalars round trip', () => {
  it('integers, exact in 64 bits from strings', () => {
    const schema = new Schema([
      field('i32', new Int32()),
      field('u32', new Uint32()),
      field('i64', new Int64()),
      field('u64', new Uint64()),
    ]);
    const batch = createJsonParser(schema).decodeBatch([
      '{"i32": -2147483648, "u32": 4294967295, "i64": "9007199254740993", "u64": "18446744073709551615"}',
      '{"i32": 2147483647, "u32": 0, "i64": "-9223372036854775808", "u64": 9007199254740991}',
      '{"i32": 0, "u32": 7, "i64": -9007199254740991, "u64": "0"}',
      '{"i32": 1e3, "i64": "9223372036854775807", "u64": "12345678901234567890"}',
      '{"i64": "-0042"}',
    ]);
    expect(values(batch, 'i32')).toEqual([-2147483648, 2147483647, 0, 1000, null]);
    expect(values(batch, 'u32')).toEqual([4294967295, 0, 7, null, null]);
    expect(values(batch, 'i64')).toEqual([
      9007199254740993n,
      -9223372036854775808n,
      -9007199254740991n,
      9223372036854775807n,
      -42n,
    ]);
    expect(values(batch, 'u64')).toEqual([
      18446744073709551615n,
      9007199254740991n,
      0n,
      12345678901234567890n,
      null,
    ]);
  });

  it('short and byte columns (Delta smallint/tinyint), range-checked', () => {
    const schema = new Schema([field('s', new Int16()), field('b', new Int8())]);
    const batch = createJsonParser(schema).decodeBatch([
      '{"s": -32768, "b": 127}',
      '{"s": 32767, "b": -128}',
    ]);
    expect(values(batch, 's')).toEqual([-32768, 32767]);
    expect(values(batch, 'b')).toEqual([127, -128]);
    expectError(errorOf(schema, ['{"s": 1}', '{"s": 40000}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 1,
      fieldPath: 's',
      detail: /^40000 is out of range for int16 \(-32768 to 32767\)$/,
    });
    expectError(errorOf(schema, ['{"b": 1.5}', '{"b": 2}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'b',
      detail: /a byte/,
    });
  });

  it('floats, with NaN and the infinities as strings', () => {
    const schema = new Schema([field('f64', new Float64()), field('f32', new Float32())]);
    const batch = createJsonParser(schema).decodeBatch([
      '{"f64": 1.5, "f32": 0.1}',
      '{"f64": -1e308, "f32": "NaN"}',
      '{"f64": "Infinity", "f32": "-Infinity"}',
      '{"f64": "NaN", "f32": 3}',
      '{"f64": 5e-324}',
    ]);
    expect(values(batch, 'f64')).toEqual([1.5, -1e308, Number.POSITIVE_INFINITY, Number.NaN, 5e-324]);
    expect(values(batch, 'f32')).toEqual([Math.fround(0.1), Number.NaN, Number.NEGATIVE_INFINITY, 3, null]);
  });

  it('bools, strings and base64 binaries', () => {
    const schema = new Schema([field('b', new Bool()), field('s', new Utf8()), field('bin', new Binary())]);
    const long = 'ü'.repeat(40) + 'a'.repeat(50);
    const batch = createJsonParser(schema).decodeBatch([
      '{"b": true, "s": "héllo wörld 😀", "bin": "AAEC/w=="}',
      '{"b": false, "s": "", "bin": "AAEC_w"}',
      `{"b": null, "s": ${JSON.stringify(long)}, "bin": ""}`,
      '{"s": "tab\\tquote\\"\\u00e9 abc", "bin": "-_-_"}',
      '{"s": "abcdefghijklmnopqrstuvwxyz0123é"}',
    ]);
    expect(values(batch, 'b')).toEqual([true, false, null, null, null]);
    expect(values(batch, 's')).toEqual([
      'héllo wörld 😀',
      '',
      long,
      'tab\tquote"é abc',
      'abcdefghijklmnopqrstuvwxyz0123é',
    ]);
    expect(values(batch, 'bin').map(plain)).toEqual([
      [0, 1, 2, 255],
      [0, 1, 2, 255],
      [],
      [0xfb, 0xff, 0xbf],
      null,
    ]);
  });

  it('timestamps from µs (number or digits) and from ISO-8601 with zones', () => {
    const schema = new Schema([field('ts', new TimestampMicrosecond('UTC'))]);
    const base = BigInt(Date.UTC(2024, 4, 1, 12, 30, 0)) * 1000n;
    const records = [
      '{"ts": 1714566600123456}',
      '{"ts": "9007199254740993"}',
      '{"ts": "2024-05-01T12:30:00Z"}',
      '{"ts": "2024-05-01T14:30:00.5+02:00"}',
      '{"ts": "2024-05-01T04:30:00.123456-08:00"}',
      '{"ts": "2024-05-01 12:30:00.123456789z"}',
      '{"ts": "1969-12-31T23:59:59.999999Z"}',
      '{"ts": "2024-05-01T18:00:00+05:30"}',
      '{"ts": -1}',
      '{"ts": null}',
    ];
    const batch = createJsonParser(schema).decodeBatch(records);
    expect(micros(batch, 'ts')).toEqual([
      1714566600123456n,
      9007199254740993n,
      base,
      base + 500000n,
      base + 123456n,
      base + 123456n,
      -1n,
      base,
      -1n,
      null,
    ]);
    expect(values(batch, 'ts')[2]).toBe(Date.UTC(2024, 4, 1, 12, 30, 0));
  });

  it('dates from days and from YYYY-MM-DD', () => {
    const schema = new Schema([field('d', new DateDay())]);
    const batch = createJsonParser(schema).decodeBatch([
      '{"d": 0}',
      '{"d": "2000-02-29"}',
      '{"d": "1969-12-31"}',
      '{"d": -719162}',
      '{"d": "0001-01-01"}',
      '{}',
    ]);
    const day = 86400000;
    expect(values(batch, 'd')).toEqual([0, 11016 * day, -day, -719162 * day, -719162 * day, null]);
  });
});

describe('nulls and absence', () => {
  const schema = new Schema([
    field('opt', new Int32()),
    field('req', new Utf8(), false),
    field('reqList', listOf(new Int32()), false),
    field('optList', listOf(new Int32())),
    field('reqMap', mapOf(new Utf8(), new Int32()), false),
    field('optStruct', structOf(field('x', new Int32(), false), field('l', listOf(new Utf8()), false))),
  ]);

  it('nullable columns become null, required lists and maps empty', () => {
    const batch = createJsonParser(schema).decodeBatch([
      '{"req": "a"}',
      '{"req": "b", "opt": null, "reqList": null, "optList": null, "reqMap": null, "optStruct": null}',
      '{"req": "c", "opt": 3, "reqList": [1], "optList": [], "reqMap": {"k": null}, "optStruct": {"x": 1}}',
    ]);
    expect(values(batch, 'opt')).toEqual([null, null, 3]);
    expect(values(batch, 'req')).toEqual(['a', 'b', 'c']);
    expect(values(batch, 'reqList').map(plain)).toEqual([[], [], [1]]);
    expect(values(batch, 'optList').map(plain)).toEqual([null, null, []]);
    expect(values(batch, 'reqMap').map(plain)).toEqual([{}, {}, { k: null }]);
    expect(values(batch, 'optStruct').map(plain)).toEqual([null, null, { x: 1, l: [] }]);
    expect(column(batch, 'optStruct').nullCount).toBe(2);
    expect(column(batch, 'opt').nullCount).toBe(2);
    expect(column(batch, 'req').nullCount).toBe(0);
  });

  it('a required scalar that is absent or null is MISSING_REQUIRED', () => {
    expectError(errorOf(schema, ['{"opt": 1}', '{"req": "x"}']), {
      code: 'MISSING_REQUIRED',
      recordIndex: 0,
      fieldPath: 'req',
      detail: /required field 'req' .*is absent/,
    });
    expectError(errorOf(schema, ['{"req": "x"}', '{"req": null}']), {
      code: 'MISSING_REQUIRED',
      recordIndex: 1,
      fieldPath: 'req',
      detail: /required field 'req' .*is null/,
    });
    expectError(errorOf(schema, ['{"req": "x", "optStruct": {"l": []}}']), {
      code: 'MISSING_REQUIRED',
      recordIndex: 0,
      fieldPath: 'optStruct.x',
      detail: /'x' \(Int32, not nullable\) is absent/,
    });
  });
});

describe('nested types', () => {
  const schema = new Schema([
    field('id', new Int64(), false),
    field(
      'aperture',
      listOf(
        structOf(
          field('mag', new Float64(), false),
          field('tags', listOf(new Utf8())),
          field('note', new Utf8()),
        ),
      ),
      false,
    ),
    field('tags', mapOf(new Utf8(), structOf(field('mag', new Float64(), false)))),
    field('byId', mapOf(new Int64(), listOf(new Utf8())), false),
    field('flags', mapOf(new Bool(), new Int32(), false), false),
    field('small', mapOf(new Int32(), new Float32()), false),
    field('big', mapOf(new Uint64(), new Bool()), false),
    field('grid', listOf(listOf(new Int32())), false),
    field('maybe', listOf(new Int32(), true), false),
    field(
      'outer',
      structOf(field('inner', structOf(field('v', new Int32())), false), field('w', new Utf8())),
    ),
  ]);

  it('structs, lists and maps of each other', () => {
    const parser = createJsonParser(schema);
    const batch = parser.decodeBatch([
      JSON.stringify({
        id: 1,
        aperture: [
          { mag: 1.5, tags: ['a', 'b'] },
          { mag: -2, note: 'n' },
        ],
        tags: { k: { mag: 3 }, 'with "quote"': { mag: 4 } },
        byId: { '-5': ['x'], '9223372036854775807': [] },
        flags: { true: 1, false: 0 },
        small: { '-1': 0.5, '2147483647': 1 },
        big: { '18446744073709551615': true },
        grid: [[1, 2], [], [3]],
        maybe: [1, null, 3],
        outer: { inner: { v: 7 }, w: 'w' },
      }),
      '{"id": "2", "tags": null, "outer": {"inner": {}}}',
      '{"id": 3, "outer": null}',
    ]);
    expect(batch.numRows).toBe(3);
    expect(values(batch, 'aperture').map(plain)).toEqual([
      [
        { mag: 1.5, tags: ['a', 'b'], note: null },
        { mag: -2, tags: null, note: 'n' },
      ],
      [],
      [],
    ]);
    expect(values(batch, 'tags').map(plain)).toEqual([
      { k: { mag: 3 }, 'with "quote"': { mag: 4 } },
      null,
      null,
    ]);
    const byId = column(batch, 'byId').get(0) as Iterable<[bigint, Vector]>;
    expect(Array.from(byId, ([k, v]) => [k, plain(v)])).toEqual([
      [-5n, ['x']],
      [9223372036854775807n, []],
    ]);
    expect(Array.from(column(batch, 'flags').get(0) as Iterable<unknown>)).toEqual([
      [true, 1],
      [false, 0],
    ]);
    // JS objects put keys that are array indexes first: "2147483647" is one, "-1" is not.
    expect(Array.from(column(batch, 'small').get(0) as Iterable<unknown>)).toEqual([
      [2147483647, 1],
      [-1, 0.5],
    ]);
    expect(Array.from(column(batch, 'big').get(0) as Iterable<unknown>)).toEqual([
      [18446744073709551615n, true],
    ]);
    expect(values(batch, 'grid').map(plain)).toEqual([[[1, 2], [], [3]], [], []]);
    expect(values(batch, 'maybe').map(plain)).toEqual([[1, null, 3], [], []]);
    expect(values(batch, 'outer').map(plain)).toEqual([
      { inner: { v: 7 }, w: 'w' },
      { inner: { v: null }, w: null },
      null,
    ]);
  });

  it('keys named like Object.prototype members are plain keys', () => {
    const batch = createJsonParser(schema).decodeBatch([
      '{"id": 1, "tags": {"__proto__": {"mag": 1}, "constructor": {"mag": 2}, "toString": {"mag": 3}}}',
    ]);
    const tags = column(batch, 'tags').get(0) as Iterable<[string, unknown]>;
    expect(Array.from(tags, ([k, v]) => [k, plain(v)])).toEqual([
      ['__proto__', { mag: 1 }],
      ['constructor', { mag: 2 }],
      ['toString', { mag: 3 }],
    ]);
    for (const key of ['__proto__', 'constructor', 'hasOwnProperty']) {
      expectError(errorOf(schema, [`{"id": 1, "${key}": {}}`]), {
        code: 'UNKNOWN_FIELD',
        recordIndex: 0,
        fieldPath: key,
        detail: new RegExp(`the key "${key}" is not a column`),
      });
    }
  });

  it('names the path of a failure inside lists and maps', () => {
    const good = '{"id": 1}';
    expectError(
      errorOf(schema, [good, '{"id": 2, "aperture": [{"mag":1},{"mag":2},{"mag":3},{"tags":[]}]}']),
      {
        code: 'MISSING_REQUIRED',
        recordIndex: 1,
        fieldPath: 'aperture[3].mag',
        detail: /required field 'mag'/,
      },
    );
    expectError(errorOf(schema, ['{"id": 2, "aperture": [{"mag": 1}, {"mag": null}]}', good]), {
      code: 'MISSING_REQUIRED',
      recordIndex: 0,
      fieldPath: 'aperture[1].mag',
      detail: /is null/,
    });
    expectError(errorOf(schema, [good, good, '{"id": 2, "tags": {"a": {"mag": 1}, "k": {"mag": "x"}}}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 2,
      fieldPath: 'tags["k"].mag',
      detail: /expected a number .*found the string "x"/,
    });
    expectError(errorOf(schema, ['{"id": 2, "aperture": [{"mag": 1, "tags": ["a", 5]}]}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'aperture[0].tags[1]',
      detail: /expected a string, found the number 5/,
    });
    expectError(errorOf(schema, ['{"id": 2, "grid": [[1], [2, null]]}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'grid[1][1]',
      detail: /list element of type Int32, found null/,
    });
    expectError(errorOf(schema, ['{"id": 2, "flags": {"true": null}}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'flags["true"]',
      detail: /map value of type Int32, found null/,
    });
    expectError(errorOf(schema, ['{"id": 2, "small": {"1": 1, "x": 2}}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'small["x"]',
      detail: /map key of decimal digits for int32, found the key "x"/,
    });
    expectError(errorOf(schema, ['{"id": 2, "flags": {"yes": 1}}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'flags["yes"]',
      detail: /"true" or "false"/,
    });
    expectError(errorOf(schema, ['{"id": 2, "small": {"2147483648": 1}}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 0,
      fieldPath: 'small["2147483648"]',
      detail: /2147483648 is out of range for int32/,
    });
    expectError(errorOf(schema, ['{"id": 2, "outer": {"inner": []}}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'outer.inner',
      detail: /expected a JSON object \(struct\), found an array/,
    });
    expectError(errorOf(schema, ['{"id": 2, "tags": []}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'tags',
      detail: /expected a JSON object \(map\), found an array/,
    });
    expectError(errorOf(schema, ['{"id": 2, "grid": {}}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'grid',
      detail: /expected a JSON array \(list\), found an object/,
    });
  });
});

describe('one test per error code', () => {
  const schema = new Schema([
    field('i32', new Int32()),
    field('u32', new Uint32()),
    field('i64', new Int64()),
    field('u64', new Uint64()),
    field('f32', new Float32()),
    field('s', new Utf8()),
    field('bin', new Binary()),
    field('ts', new TimestampMicrosecond('UTC')),
    field('d', new DateDay()),
    field('inner', structOf(field('x', new Int32()))),
  ]);
  const good = '{"i32": 1}';

  it('INVALID_JSON, with the offset JSON.parse reports', () => {
    expectError(errorOf(schema, [good, '{"i32": 1,}']), {
      code: 'INVALID_JSON',
      recordIndex: 1,
      fieldPath: '',
      byteOffset: 10,
      detail: /^not valid JSON: .*position 10/,
    });
    expectError(errorOf(schema, ['{"i32": 1']), {
      code: 'INVALID_JSON',
      recordIndex: 0,
      fieldPath: '',
      byteOffset: 9,
      detail: /^not valid JSON/,
    });
    expectError(errorOf(schema, ['']), {
      code: 'INVALID_JSON',
      recordIndex: 0,
      fieldPath: '',
      byteOffset: 0,
      detail: /end of JSON input/,
    });
  });

  it('TYPE_MISMATCH for a record that is not an object and for values of the wrong kind', () => {
    expectError(errorOf(schema, [good, '[1, 2]']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 1,
      fieldPath: '',
      detail: /expected a JSON object \(one record.*found an array/,
    });
    expectError(errorOf(schema, ['null']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: '',
      detail: /found null/,
    });
    expectError(errorOf(schema, ['{"i32": 1.5}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'i32',
      detail: /^expected an int32 \(a JSON integer\), found the number 1.5$/,
    });
    expectError(errorOf(schema, ['{"i32": "1"}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'i32',
      detail: /found the string "1"/,
    });
    expectError(errorOf(schema, ['{"i64": "12a"}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'i64',
      detail: /expected an int64 .*string of decimal digits\), found the string "12a"/,
    });
    expectError(errorOf(schema, ['{"i64": 2.5}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'i64',
      detail: /found the number 2.5/,
    });
    expectError(errorOf(schema, ['{"f32": "1.5"}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'f32',
      detail: /"NaN", "Infinity", "-Infinity"\), found the string "1.5"/,
    });
    expectError(errorOf(schema, ['{"bin": "AA*B"}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'bin',
      detail: /base64 .*found the string "AA\*B"/,
    });
    const many = createJsonParser(schema).decodeBatchSettled([
      '{"bin": "AAAAA"}',
      '{"bin": "QQ="}',
      '{"bin": "AAA"}',
    ]);
    expect(many.errors.map((e) => [e.code, e.recordIndex])).toEqual([
      ['TYPE_MISMATCH', 0],
      ['TYPE_MISMATCH', 1],
    ]);
    expect(values(many.batch, 'bin').map(plain)).toEqual([[0, 0]]);
    expectError(errorOf(schema, ['{"ts": "2024-05-01T12:00:00"}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'ts',
      detail: /needs a zone/,
    });
    expectError(errorOf(schema, ['{"ts": "2023-02-29T00:00:00Z"}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'ts',
      detail: /day 29 is not in month 2 of 2023/,
    });
    expectError(errorOf(schema, ['{"d": "2024-13-01"}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'd',
      detail: /month 13 is not 1 to 12/,
    });
    expectError(errorOf(schema, ['{"inner": 5}']), {
      code: 'TYPE_MISMATCH',
      recordIndex: 0,
      fieldPath: 'inner',
      detail: /found the number 5/,
    });
  });

  it('UNKNOWN_FIELD by default, skipped with unknownFields: ignore', () => {
    expectError(errorOf(schema, [good, '{"i32": 1, "bogus": {"deep": [1]}}']), {
      code: 'UNKNOWN_FIELD',
      recordIndex: 1,
      fieldPath: 'bogus',
      detail: /the key "bogus" is not a column/,
    });
    expectError(errorOf(schema, ['{"inner": {"x": 1, "y": 2}}']), {
      code: 'UNKNOWN_FIELD',
      recordIndex: 0,
      fieldPath: 'inner.y',
      detail: /the key "y" is not a column \(known: x\)/,
    });
    const batch = decodeOne(schema, '{"i32": 1, "bogus": {"deep": [1]}, "inner": {"x": 2, "y": 3}}', {
      unknownFields: 'ignore',
    });
    expect(values(batch, 'i32')).toEqual([1]);
    expect(values(batch, 'inner').map(plain)).toEqual([{ x: 2 }]);
  });

  it('OUT_OF_RANGE for integers beyond their type, quoting the number as sent', () => {
    expectError(errorOf(schema, [good, '{"i32": 2147483648}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 1,
      fieldPath: 'i32',
      detail: /^2147483648 is out of range for int32 \(-2147483648 to 2147483647\)$/,
    });
    expectError(errorOf(schema, ['{"u32": -1}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 0,
      fieldPath: 'u32',
      detail: /out of range for uint32/,
    });
    expectError(errorOf(schema, [good, '{"i64": 9223372036854775808}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 1,
      fieldPath: 'i64',
      detail:
        /^9223372036854775808 is out of range for int64 \(-9223372036854775808 to 9223372036854775807\)$/,
    });
    expectError(errorOf(schema, ['{"ts": 1e300}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 0,
      fieldPath: 'ts',
      detail: /^1e300 is out of range for timestamp/,
    });
    expectError(errorOf(schema, ['{"i64": "9223372036854775808"}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 0,
      fieldPath: 'i64',
      detail: /9223372036854775808 is out of range for int64/,
    });
    expectError(errorOf(schema, ['{"u64": "-1"}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 0,
      fieldPath: 'u64',
      detail: /out of range for uint64/,
    });
    expectError(errorOf(schema, ['{"u64": "18446744073709551616"}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 0,
      fieldPath: 'u64',
      detail: /out of range for uint64/,
    });
    expectError(errorOf(schema, ['{"f32": 1e39}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 0,
      fieldPath: 'f32',
      detail: /out of range for float32/,
    });
    expectError(errorOf(schema, ['{"d": 2147483648}']), {
      code: 'OUT_OF_RANGE',
      recordIndex: 0,
      fieldPath: 'd',
      detail: /out of range for date/,
    });
  });

  it('MISSING_REQUIRED names the field', () => {
    const required = new Schema([field('id', new Int64(), false), field('name', new Utf8())]);
    expectError(errorOf(required, ['{"id": 1}', '{"name": "x"}']), {
      code: 'MISSING_REQUIRED',
      recordIndex: 1,
      fieldPath: 'id',
      detail: /^the required field 'id' \(Int64, not nullable\) is absent$/,
    });
  });

  it('RECURSION_LIMIT when structs nest deeper than recursionLimit', () => {
    const nested = new Schema([field('a', structOf(field('b', structOf(field('c', new Int32())))))]);
    const options = { recursionLimit: 2 };
    expect(values(decodeOne(nested, '{"a": {}}', options), 'a').map(plain)).toEqual([{ b: null }]);
    expectError(errorOf(nested, ['{"a": {}}', '{"a": {"b": {"c": 1}}}'], options), {
      code: 'RECURSION_LIMIT',
      recordIndex: 1,
      fieldPath: 'a.b',
      detail: /nesting depth 3 is over the limit of 2/,
    });
    expect(createJsonParser(nested).decodeBatch(['{"a": {"b": {"c": 1}}}']).numRows).toBe(1);
  });

  it('RECORD_TOO_LARGE over maxRecordBytes', () => {
    const options = { maxRecordBytes: 12 };
    expect(decodeOne(schema, '{"i32": 123}', options).numRows).toBe(1);
    expectError(errorOf(schema, [good, '{"i32": 1234}'], options), {
      code: 'RECORD_TOO_LARGE',
      recordIndex: 1,
      fieldPath: '',
      detail: /13 characters long, over the limit of 12/,
    });
  });

  it('INVALID_UTF8 for a lone surrogate', () => {
    expectError(errorOf(schema, ['{"s": "ok \\ud83d"}']), {
      code: 'INVALID_UTF8',
      recordIndex: 0,
      fieldPath: 's',
      detail: /unpaired UTF-16 surrogate/,
    });
    expect(values(decodeOne(schema, '{"s": "\\ud83d\\ude00"}'), 's')).toEqual(['😀']);
  });

  it('the message repeats index, path and detail', () => {
    const error = errorOf(schema, [good, '{"i32": true}']);
    expect(error.message).toBe(
      "record 1, field 'i32': expected an int32 (a JSON integer), found the boolean true (TYPE_MISMATCH)",
    );
  });
});

describe('batches', () => {
  const schema = new Schema([
    field('id', new Int32(), false),
    field('items', listOf(structOf(field('k', new Utf8(), false), field('v', new Int64()))), false),
    field('attrs', mapOf(new Utf8(), new Utf8())),
    field('flag', new Bool()),
  ]);
  const good = (id: number) =>
    JSON.stringify({
      id,
      items: [
        { k: `k${id}`, v: String(id * 10) },
        { k: 'z', v: null },
      ],
      attrs: { [`a${id}`]: `b${id}` },
      flag: id % 2 === 0,
    });
  const rows = (batch: RecordBatch) => batch.toArray().map((row) => plain(row) as Record<string, unknown>);
  const expected = (id: number) => ({
    id,
    items: [
      { k: `k${id}`, v: BigInt(id * 10) },
      { k: 'z', v: null },
    ],
    attrs: { [`a${id}`]: `b${id}` },
    flag: id % 2 === 0,
  });

  it('decodeBatchSettled leaves bad records out and keeps the rest intact', () => {
    const parser = createJsonParser(schema);
    // Each bad record fails after some of its nested values were appended.
    const { batch, errors } = parser.decodeBatchSettled([
      good(0),
      '{"id": 1, "items": [{"k": "x", "v": 1}, {"k": "y", "v": 2}], "attrs": {"p": "q", "r": 5}}',
      good(2),
      '{"id": 3, "flag": true, "items": [{"k": "x"}, {"v": 1}]}',
      '{"id": 4, "attrs": {"a": "b"}, "items": [], "flag": "yes"}',
      good(5),
      'nope',
    ]);
    expect(errors.map((e) => [e.code, e.recordIndex, e.fieldPath])).toEqual([
      ['TYPE_MISMATCH', 1, 'attrs["r"]'],
      ['MISSING_REQUIRED', 3, 'items[1].k'],
      ['TYPE_MISMATCH', 4, 'flag'],
      ['INVALID_JSON', 6, ''],
    ]);
    expect(rows(batch)).toEqual([expected(0), expected(2), expected(5)]);
    expect(column(batch, 'items').data[0]!.children[0]!.length).toBe(6);
  });

  it('decodeBatch throws the first error and the parser stays usable', () => {
    const parser = createJsonParser(schema);
    expect(() => parser.decodeBatch([good(1), '{"id": 2, "items": [{"k": 1}]}', '{}'])).toThrowError(
      expect.objectContaining({ code: 'TYPE_MISMATCH', recordIndex: 1, fieldPath: 'items[0].k' }),
    );
    const batch = parser.decodeBatch([good(7)]);
    expect(rows(batch)).toEqual([expected(7)]);
  });

  it('a batch keeps its values when the parser decodes the next one', () => {
    const parser = createJsonParser(schema);
    const first = parser.decodeBatch(Array.from({ length: 300 }, (_, i) => good(i)));
    const second = parser.decodeBatch(Array.from({ length: 500 }, (_, i) => good(1000 + i)));
    const empty = parser.decodeBatch([]);
    expect(rows(first)).toEqual(Array.from({ length: 300 }, (_, i) => expected(i)));
    expect(rows(second)).toEqual(Array.from({ length: 500 }, (_, i) => expected(1000 + i)));
    expect(empty.numRows).toBe(0);
    expect(parser.schema).toBe(schema);
    for (const batch of [first, second, empty]) {
      const shape = (s: Schema) => s.fields.map((f) => [f.name, String(f.type), f.nullable]);
      expect(shape(batch.schema)).toEqual(shape(schema));
    }
  });
});

describe('schemas and options', () => {
  it('rejects types the JSON parser does not support', () => {
    for (const [type, path] of [
      [new Uint16(), 'x'],
      [new TimestampMillisecond('UTC'), 'x'],
      [structOf(field('y', new Uint16())), 'x.y'],
      [mapOf(new Float64(), new Int32()), 'x.key'],
    ] as const) {
      const make = () => createJsonParser(new Schema([field('x', type)]));
      expect(make).toThrowError(SchemaError);
      expect(make).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED_FIELD', fieldPath: path }));
    }
  });

  it('rejects limits that are not positive integers', () => {
    const schema = new Schema([field('x', new Int32())]);
    expect(() => createJsonParser(schema, { recursionLimit: 0 })).toThrowError(
      /recursionLimit must be a positive/,
    );
    expect(() => createJsonParser(schema, { maxRecordBytes: 1.5 })).toThrowError(
      /maxRecordBytes must be a positive/,
    );
  });
});

describe('integers beyond ±2^53 as JSON numbers (what Python, Go and Java send for an int64)', () => {
  const schema = new Schema([
    field('i64', new Int64()),
    field('u64', new Uint64()),
    field('ts', new TimestampMicrosecond('UTC')),
    field('i32', new Int32()),
    field('d', new DateDay()),
    field('f64', new Float64()),
    field('s', new Utf8()),
    field('inner', structOf(field('x', new Int64()), field('y', new Float64()))),
    field('list', listOf(new Int64())),
    field('map', mapOf(new Utf8(), new Uint64())),
  ]);

  it('land exactly in BIGINT, unsigned and TIMESTAMP (µs) columns, at the ends of their ranges', () => {
    const batch = createJsonParser(schema).decodeBatch([
      '{"i64": 9223372036854775807, "u64": 18446744073709551615, "ts": 253402300799999999}',
      '{"i64": -9223372036854775808, "u64": 9007199254740993, "ts": -62135596800000000}',
      '{"i64": 9007199254740993, "u64": 9007199254740992, "ts": -11676096000000001}',
      '{"i64": -9007199254740993, "u64": 12345678901234567890, "ts": 9007199254740993}',
      '{"i64": 1, "u64": 2, "ts": -1}',
      '{"i64": 1.8e18, "u64": 18446744073709551615.000, "ts": 2.53402300799999999e17}',
    ]);
    expect(values(batch, 'i64')).toEqual([
      9223372036854775807n,
      -9223372036854775808n,
      9007199254740993n,
      -9007199254740993n,
      1n,
      1800000000000000000n,
    ]);
    expect(values(batch, 'u64')).toEqual([
      18446744073709551615n,
      9007199254740993n,
      9007199254740992n,
      12345678901234567890n,
      2n,
      18446744073709551615n,
    ]);
    // 9999-12-31T23:59:59.999999Z, 0001-01-01T00:00:00Z, 1599-12-31T23:59:59.999999Z, 2255-06-05…, -1 µs.
    expect(micros(batch, 'ts')).toEqual([
      253402300799999999n,
      -62135596800000000n,
      -11676096000000001n,
      9007199254740993n,
      -1n,
      253402300799999999n,
    ]);
  });

  it('leave the other columns of the record as JSON.parse gives them', () => {
    const record =
      '{"s": "caf\\u00e9 \\"q\\"", "f64": 18446744073709551617, "d": -719162, "i32": -7, ' +
      '"inner": {"x": -9223372036854775807, "y": 0.1}, "list": [1, 9007199254740995, -2], ' +
      '"map": {"10": 18446744073709551614, "a": null, "b": 3}, "i64": 9007199254740993}';
    const batch = decodeOne(schema, record);
    expect(values(batch, 'i64')).toEqual([9007199254740993n]);
    expect(values(batch, 's')).toEqual(['café "q"']);
    expect(values(batch, 'f64')).toEqual([Number(18446744073709551617n)]);
    expect(values(batch, 'i32')).toEqual([-7]);
    expect(values(batch, 'inner').map(plain)).toEqual([{ x: -9223372036854775807n, y: 0.1 }]);
    expect(values(batch, 'list').map(plain)).toEqual([[1n, 9007199254740995n, -2n]]);
    expect(values(batch, 'map').map(plain)).toEqual([{ '10': 18446744073709551614n, a: null, b: 3n }]);
    expect(
      createJsonParser(schema, { unknownFields: 'ignore' }).decodeBatch([
        '{"other": [[{"deep": 1e30}]], "__proto__": 5, "i64": 9007199254740993}',
      ]).numRows,
    ).toBe(1);
  });

  it('fail OUT_OF_RANGE beyond the column, quoting the number exactly as sent, with record and field', () => {
    const cases: [string, string, RegExp][] = [
      ['{"i64": -9223372036854775809}', 'i64', /^-9223372036854775809 is out of range for int64 \(/],
      ['{"u64": 18446744073709551616}', 'u64', /^18446744073709551616 is out of range for uint64 \(0 to /],
      ['{"u64": -9007199254740993}', 'u64', /^-9007199254740993 is out of range for uint64/],
      ['{"ts": 9223372036854775808}', 'ts', /^9223372036854775808 is out of range for timestamp/],
      ['{"i32": 99999999999999999999}', 'i32', /^99999999999999999999 is out of range for int32/],
      ['{"d": -9007199254740993}', 'd', /^-9007199254740993 is out of range for date/],
      ['{"inner": {"x": 1e19}}', 'inner.x', /^1e19 is out of range for int64/],
      ['{"list": [1, 9223372036854775808]}', 'list[1]', /^9223372036854775808 is out of range for int64/],
      ['{"map": {"k": 1E400}}', 'map["k"]', /^expected a uint64 .*, found the number Infinity$/],
    ];
    for (const [record, fieldPath, detail] of cases) {
      expectError(errorOf(schema, ['{"i64": 1}', record]), {
        code: fieldPath === 'map["k"]' ? 'TYPE_MISMATCH' : 'OUT_OF_RANGE',
        recordIndex: 1,
        fieldPath,
        detail,
      });
    }
  });

  it('fail TYPE_MISMATCH quoting the number as sent where it is not an integer or not wanted', () => {
    const cases: [string, string, RegExp][] = [
      ['{"i64": 9007199254740993.5}', 'i64', /^expected an int64 .*, found the number 9007199254740993\.5$/],
      ['{"s": 9007199254740993}', 's', /^expected a string, found the number 9007199254740993$/],
      ['{"inner": 12345678901234567890}', 'inner', /found the number 12345678901234567890$/],
      ['{"map": 12345678901234567890}', 'map', /found the number 12345678901234567890$/],
      ['12345678901234567890', '', /found the number 12345678901234567890$/],
    ];
    for (const [record, fieldPath, detail] of cases) {
      expectError(errorOf(schema, [record]), { code: 'TYPE_MISMATCH', recordIndex: 0, fieldPath, detail });
    }
  });
});
