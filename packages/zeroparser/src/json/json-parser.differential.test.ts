import { clickbenchSchema, generateClickbenchAsJson } from '@lakestream/testkit';
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  type Field,
  Float32,
  Float64,
  Int32,
  Int64,
  type List,
  type Map_,
  makeVector,
  type RecordBatch,
  Schema,
  type Struct,
  Table,
  TimestampMicrosecond,
  Type,
  tableToIPC,
  Uint32,
  Uint64,
  Utf8,
  type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createParser } from '../compile/create-parser.js';
import type { DecodeError } from '../errors.js';
import { createJsonParser } from './index.js';
import { field, listOf, mapOf, structOf } from './test-support/test-schema.js';

/*
 * Differential test: random records are generated as JS values together with the Arrow values they must
 * become, written as JSON text by the small writer below (with every accepted encoding of each type chosen
 * at random), decoded, and read back from the RecordBatch value by value.
 */

// ---------------------------------------------------------------------------------------------------
// 1. Seeded randomness

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  bits64(): bigint {
    const high = BigInt(Math.floor(this.next() * 2 ** 32));
    const low = BigInt(Math.floor(this.next() * 2 ** 32));
    return (high << 32n) | low;
  }
  /** A 64-bit integer from a mix of magnitudes, so small, safe and full-width values all come up. */
  int64(signed: boolean): bigint {
    const bits = this.bits64();
    const width = BigInt(this.pick([7, 31, 52, 53, 54, 63, 64]));
    let value = bits & ((1n << width) - 1n);
    if (signed) value = BigInt.asIntN(64, this.chance(0.5) ? -value : value);
    else value = BigInt.asUintN(64, value);
    return value;
  }
}

// ---------------------------------------------------------------------------------------------------
// 2. A JSON writer: values as a small tree, numbers as raw text so any spelling can be produced

type Json =
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly Json[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Json])[] };

const raw = (text: string): Json => ({ kind: 'raw', text });
const str = (value: string): Json => ({ kind: 'string', value });
const NULL = raw('null');
/** A JSON number literal of `value`; `String(-0)` would lose the sign. */
const numberText = (value: number): string => (Object.is(value, -0) ? '-0' : String(value));

function writeString(value: string, rng: Random): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const char = value[i]!;
    if (code >= 0xd800 && code <= 0xdbff) {
      // A surrogate pair: both halves escaped or neither (UTF-8 cannot carry half of one).
      const pair = value.slice(i, i + 2);
      const escaped = (unit: number) => `\\u${unit.toString(16).padStart(4, '0')}`;
      out += rng.chance(0.05) ? escaped(code) + escaped(value.charCodeAt(i + 1)) : pair;
      i++;
    } else if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (code === 10 && rng.chance(0.5)) out += '\\n';
    else if (code < 0x20 || rng.chance(0.05)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

function writeJson(value: Json, rng: Random): string {
  const space = () => (rng.chance(0.1) ? rng.pick([' ', '\n', '\t ', '  ']) : '');
  switch (value.kind) {
    case 'raw':
      return value.text;
    case 'string':
      return writeString(value.value, rng);
    case 'array':
      return `[${space()}${value.items.map((item) => writeJson(item, rng) + space()).join(`,${space()}`)}]`;
    case 'object':
      return `{${space()}${value.entries
        .map(([key, item]) => `${writeString(key, rng)}${space()}:${space()}${writeJson(item, rng)}`)
        .join(`,${space()}`)}${space()}}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// 3. Random values of each Arrow type: the JSON to send and the value to read back

interface Sample {
  readonly json: Json;
  readonly expected: unknown;
}

const CHARS = [
  'a',
  'Z',
  '0',
  ' ',
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\u0001',
  'é',
  'ß',
  '中',
  '文',
  '😀',
  '𝄞',
  '\u2028',
  '\uffff',
];

function randomString(rng: Random, maxLength: number): string {
  const length = rng.chance(0.3) ? rng.int(33, maxLength) : rng.int(0, 12);
  let out = '';
  const asciiOnly = rng.chance(0.5);
  for (let i = 0; i < length; i++) {
    out += asciiOnly ? String.fromCharCode(rng.int(0x20, 0x7e)) : rng.pick(CHARS);
  }
  return out;
}

const MIN_ISO_MS = -62135510400000; // 0001-01-02T00:00:00Z: room for a zone offset either side
const MAX_ISO_MS = 253402214400000; // 9999-12-31T00:00:00Z
const DAY_MS = 86400000;

function isoTimestamp(micros: bigint, rng: Random): string {
  const ms = Number(micros / 1000n - (micros % 1000n < 0n ? 1n : 0n));
  const subMicros = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n);
  const offsetMinutes = rng.chance(0.4) ? 0 : rng.int(-23 * 60 - 59, 23 * 60 + 59);
  const local = new Date(ms + offsetMinutes * 60000).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
  let fraction = '';
  if (subMicros !== 0 || rng.chance(0.2)) {
    fraction = `.${String(subMicros).padStart(6, '0')}`;
    if (rng.chance(0.2))
      fraction += String(rng.int(0, 999)).padStart(3, '0'); // nanoseconds, truncated
    else if (subMicros % 1000 === 0 && rng.chance(0.5)) fraction = fraction.slice(0, 4); // milliseconds
  }
  let zone = 'Z';
  if (offsetMinutes !== 0 || rng.chance(0.2)) {
    const abs = Math.abs(offsetMinutes);
    zone = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }
  const separator = rng.pick(['T', 'T', 't', ' ']);
  return `${local.slice(0, 10)}${separator}${local.slice(11, 19)}${fraction}${rng.chance(0.1) ? zone.toLowerCase() : zone}`;
}

/** A 64-bit value as a bare JSON number (exact at any size, as Python, Go and Java send it) or a digit string. */
function int64Json(value: bigint, rng: Random): Json {
  return rng.chance(0.5) ? raw(String(value)) : str(String(value));
}

function randomFloat64(rng: Random): Sample {
  const roll = rng.next();
  if (roll < 0.05) {
    const special = rng.pick(['NaN', 'Infinity', '-Infinity']);
    return { json: str(special), expected: Number(special) };
  }
  if (roll < 0.3) {
    const value = rng.int(-1e6, 1e6);
    return { json: raw(rng.chance(0.5) ? String(value) : `${value}.0`), expected: value };
  }
  const view = new DataView(new ArrayBuffer(8));
  let value: number;
  do {
    view.setBigUint64(0, rng.bits64());
    value = view.getFloat64(0);
  } while (!Number.isFinite(value));
  return { json: raw(numberText(value)), expected: value };
}

function randomScalar(type: DataType, rng: Random): Sample {
  switch (type.typeId) {
    case Type.Int: {
      const t = type as Int32 | Uint32 | Int64 | Uint64;
      if (t.bitWidth === 64) {
        const value = rng.int64(t.isSigned);
        return { json: int64Json(value, rng), expected: value };
      }
      const value = t.isSigned
        ? rng.pick([-2147483648, 2147483647, 0, rng.int(-100, 100), rng.int(-2147483648, 2147483647)])
        : rng.pick([0, 4294967295, rng.int(0, 100), rng.int(0, 4294967295)]);
      return { json: raw(rng.chance(0.1) ? `${value}.0` : String(value)), expected: value === 0 ? 0 : value };
    }
    case Type.Float: {
      if (type.ArrayType === Float64Array) return randomFloat64(rng);
      const sample = randomFloat64(rng);
      const single = Math.fround(sample.expected as number);
      if (Number.isFinite(sample.expected) && !Number.isFinite(single)) return randomScalar(type, rng);
      if (sample.json.kind === 'string') return sample;
      return rng.chance(0.5)
        ? { json: raw(numberText(single)), expected: single }
        : { json: sample.json, expected: single };
    }
    case Type.Bool: {
      const value = rng.chance(0.5);
      return { json: raw(String(value)), expected: value };
    }
    case Type.Utf8: {
      const value = randomString(rng, 80);
      return { json: str(value), expected: value };
    }
    case Type.Binary: {
      const bytes = Buffer.from(Array.from({ length: rng.int(0, 40) }, () => rng.int(0, 255)));
      let text = bytes.toString(rng.chance(0.5) ? 'base64' : 'base64url');
      if (rng.chance(0.5)) text = text.replace(/=+$/, '');
      return { json: str(text), expected: Array.from(bytes) };
    }
    case Type.Timestamp: {
      const roll = rng.next();
      if (roll < 0.3) {
        const value = rng.int64(true);
        return { json: int64Json(value, rng), expected: value };
      }
      const ms = rng.int(MIN_ISO_MS / DAY_MS, MAX_ISO_MS / DAY_MS) * DAY_MS + rng.int(0, DAY_MS - 1);
      const micros = BigInt(ms) * 1000n + BigInt(rng.chance(0.3) ? 0 : rng.int(0, 999));
      return { json: roll < 0.4 ? int64Json(micros, rng) : str(isoTimestamp(micros, rng)), expected: micros };
    }
    case Type.Date: {
      if (rng.chance(0.3)) {
        const days = rng.pick([-2147483648, 2147483647, rng.int(-1e6, 1e6)]);
        return { json: raw(String(days)), expected: days };
      }
      const days = rng.int(Math.ceil(MIN_ISO_MS / DAY_MS), Math.floor(MAX_ISO_MS / DAY_MS));
      return { json: str(new Date(days * DAY_MS).toISOString().slice(0, 10)), expected: days };
    }
    default:
      throw new Error(`no generator for ${type}`);
  }
}

/** A random map key of `type`, as the JSON object key and as the value read back. */
function randomKey(type: DataType, rng: Random): { key: string; expected: unknown } {
  switch (type.typeId) {
    case Type.Utf8: {
      const key = randomString(rng, 40);
      return { key, expected: key };
    }
    case Type.Bool: {
      const value = rng.chance(0.5);
      return { key: String(value), expected: value };
    }
    case Type.Int: {
      const t = type as Int32 | Uint32 | Int64 | Uint64;
      if (t.bitWidth === 64) {
        const value = rng.int64(t.isSigned);
        return { key: String(value), expected: value };
      }
      const value = t.isSigned
        ? rng.int(-2147483648, 2147483647)
        : rng.pick([rng.int(0, 20), rng.int(0, 4294967295)]);
      return { key: String(value), expected: value };
    }
    default:
      throw new Error(`no key generator for ${type}`);
  }
}

const absentOrNull = Symbol('absent or null');

/**
 * A random value for `field`: `absentOrNull` where the field is left out or sent as null (then `expected`
 * is what reading it back gives: null, or an empty list or map).
 */
function randomValue(
  f: Field,
  rng: Random,
  depth: number,
): Sample | { json: typeof absentOrNull; expected: unknown } {
  const type: DataType = f.type;
  const emptyWhenAbsent = type.typeId === Type.List || type.typeId === Type.Map;
  if ((f.nullable || emptyWhenAbsent) && rng.chance(0.15)) {
    return { json: absentOrNull, expected: f.nullable ? null : [] };
  }
  switch (type.typeId) {
    case Type.Struct: {
      const entries: [string, Json][] = [];
      const expected: Record<string, unknown> = {};
      for (const child of (type as Struct).children) {
        const sample = randomValue(child, rng, depth + 1);
        expected[child.name] = sample.expected;
        if (sample.json === absentOrNull) {
          if (rng.chance(0.5)) entries.push([child.name, NULL]);
        } else {
          entries.push([child.name, sample.json]);
        }
      }
      // Any key order is accepted.
      for (let i = entries.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [entries[i], entries[j]] = [entries[j]!, entries[i]!];
      }
      return { json: { kind: 'object', entries }, expected };
    }
    case Type.List: {
      const element = (type as List).children[0]!;
      const length = rng.int(0, depth > 2 ? 2 : 5);
      const items: Json[] = [];
      const expected: unknown[] = [];
      for (let i = 0; i < length; i++) {
        if (element.nullable && rng.chance(0.2)) {
          items.push(NULL);
          expected.push(null);
          continue;
        }
        const sample = randomPresent(element, rng, depth + 1);
        items.push(sample.json);
        expected.push(sample.expected);
      }
      return { json: { kind: 'array', items }, expected };
    }
    case Type.Map: {
      const [keyField, valueField] = (type as Map_).children[0]!.type.children as [Field, Field];
      const byKey = new Map<string, { keyValue: unknown; sample: Sample }>();
      const count = rng.int(0, depth > 2 ? 2 : 4);
      for (let i = 0; i < count; i++) {
        const { key, expected: keyValue } = randomKey(keyField.type, rng);
        const sample =
          valueField.nullable && rng.chance(0.2)
            ? { json: NULL, expected: null }
            : randomPresent(valueField, rng, depth + 1);
        byKey.set(key, { keyValue, sample });
      }
      // The entries come out in JS object key order (array-index keys first): build that order with an object.
      const order: Record<string, true> = {};
      for (const key of byKey.keys()) order[key] = true;
      return {
        json: { kind: 'object', entries: [...byKey].map(([key, { sample }]) => [key, sample.json] as const) },
        expected: Object.keys(order).map((key) => {
          const entry = byKey.get(key)!;
          return [entry.keyValue, entry.sample.expected];
        }),
      };
    }
    default:
      return randomScalar(type, rng);
  }
}

function randomPresent(f: Field, rng: Random, depth: number): Sample {
  for (;;) {
    const sample = randomValue(f, rng, depth);
    if (sample.json !== absentOrNull) return sample as Sample;
  }
}

// ---------------------------------------------------------------------------------------------------
// 4. Reading a RecordBatch back, independently of the parser's builders

function readCell(type: DataType, vector: Vector, i: number): unknown {
  if (!vector.isValid(i)) return null;
  switch (type.typeId) {
    case Type.Timestamp: {
      const data = vector.data[0]!;
      return (data.values as BigInt64Array)[data.offset + i];
    }
    case Type.Date:
      return (vector.get(i) as number) / DAY_MS;
    case Type.Binary:
      return Array.from(vector.get(i) as Uint8Array);
    case Type.Struct:
      return Object.fromEntries(
        (type as Struct).children.map((child, k) => [
          child.name,
          readCell(child.type, vector.getChildAt(k)!, i),
        ]),
      );
    case Type.List:
    case Type.Map: {
      const data = vector.data[0]!;
      const start = data.valueOffsets[data.offset + i]!;
      const end = data.valueOffsets[data.offset + i + 1]!;
      const child = makeVector(data.children[0]!);
      const childType = type.children[0]!.type as DataType;
      const out: unknown[] = [];
      for (let j = start; j < end; j++) {
        if (type.typeId === Type.List) {
          out.push(readCell(childType, child, j));
        } else {
          const [keyField, valueField] = (childType as Struct).children as [Field, Field];
          out.push([
            readCell(keyField.type, child.getChildAt(0)!, j),
            readCell(valueField.type, child.getChildAt(1)!, j),
          ]);
        }
      }
      return out;
    }
    default:
      return vector.get(i);
  }
}

function readRows(batch: RecordBatch): Record<string, unknown>[] {
  return Array.from({ length: batch.numRows }, (_, i) =>
    Object.fromEntries(
      batch.schema.fields.map((f) => [f.name, readCell(f.type, batch.getChild(f.name)!, i)]),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------
// 5. The schema, the records, the comparison

const SCALARS: readonly [string, () => DataType][] = [
  ['i32', () => new Int32()],
  ['u32', () => new Uint32()],
  ['i64', () => new Int64()],
  ['u64', () => new Uint64()],
  ['f64', () => new Float64()],
  ['f32', () => new Float32()],
  ['bool', () => new Bool()],
  ['utf8', () => new Utf8()],
  ['bin', () => new Binary()],
  ['ts', () => new TimestampMicrosecond('UTC')],
  ['date', () => new DateDay()],
];

const schema = new Schema([
  ...SCALARS.flatMap(([name, make]) => [field(`n_${name}`, make(), true), field(`r_${name}`, make(), false)]),
  field(
    'st',
    structOf(
      field('a', new Int32(), false),
      field('b', new Utf8()),
      field('c', listOf(new Float64()), false),
      field('d', structOf(field('e', new Int64()), field('f', new TimestampMicrosecond('UTC'), false))),
    ),
  ),
  field(
    'li',
    listOf(structOf(field('x', new Utf8(), false), field('y', new TimestampMicrosecond('UTC')))),
    false,
  ),
  field('ln', listOf(new Int32(), true)),
  field('ll', listOf(listOf(new Uint64())), false),
  field('ms', mapOf(new Utf8(), new Float32())),
  field('mi', mapOf(new Int64(), listOf(new Binary())), false),
  field('mb', mapOf(new Bool(), new DateDay()), false),
  field('mu', mapOf(new Uint32(), structOf(field('z', new Bool(), false)), false), false),
  field('m32', mapOf(new Int32(), new Utf8(), false), false),
  field('m64', mapOf(new Uint64(), new Int64())),
]);

type Corruption = {
  code: string;
  path: string;
  apply: (fields: [string, Json][]) => [string, Json][] | string;
};

const CORRUPTIONS: readonly Corruption[] = [
  { code: 'UNKNOWN_FIELD', path: 'zz_unknown', apply: (fs) => [...fs, ['zz_unknown', raw('1')]] },
  {
    code: 'TYPE_MISMATCH',
    path: 'r_i32',
    apply: (fs) => fs.map(([k, v]) => (k === 'r_i32' ? [k, str('7')] : [k, v])),
  },
  { code: 'MISSING_REQUIRED', path: 'r_utf8', apply: (fs) => fs.filter(([k]) => k !== 'r_utf8') },
  {
    code: 'OUT_OF_RANGE',
    path: 'r_u64',
    apply: (fs) => fs.map(([k, v]) => (k === 'r_u64' ? [k, str('18446744073709551616')] : [k, v])),
  },
  { code: 'INVALID_JSON', path: '', apply: () => '{"r_i32": 1,' },
];

function randomRecord(rng: Random): { entries: [string, Json][]; expected: Record<string, unknown> } {
  const entries: [string, Json][] = [];
  const expected: Record<string, unknown> = {};
  for (const f of schema.fields) {
    const sample = randomValue(f, rng, 1);
    expected[f.name] = sample.expected;
    if (sample.json === absentOrNull) {
      if (rng.chance(0.5)) entries.push([f.name, NULL]);
    } else {
      entries.push([f.name, sample.json]);
    }
  }
  return { entries, expected };
}

describe('differential: random records of every type', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 1,000 records in batches of 250, some corrupted, read back value by value`, () => {
      const rng = new Random(seed);
      const parser = createJsonParser(schema);
      let decoded = 0;
      for (let batchIndex = 0; batchIndex < 4; batchIndex++) {
        const texts: string[] = [];
        const expectedRows: Record<string, unknown>[] = [];
        const expectedErrors: [string, number, string][] = [];
        for (let i = 0; i < 250; i++) {
          const record = randomRecord(rng);
          if (rng.chance(0.05)) {
            const corruption = rng.pick(CORRUPTIONS);
            const corrupted = corruption.apply(record.entries);
            texts.push(
              typeof corrupted === 'string'
                ? corrupted
                : writeJson({ kind: 'object', entries: corrupted }, rng),
            );
            expectedErrors.push([corruption.code, i, corruption.path]);
          } else {
            texts.push(writeJson({ kind: 'object', entries: record.entries }, rng));
            expectedRows.push(record.expected);
          }
        }
        const { batch, errors } = parser.decodeBatchSettled(texts);
        expect(errors.map((e) => [e.code, e.recordIndex, e.fieldPath])).toEqual(expectedErrors);
        const rows = readRows(batch);
        expect(rows).toHaveLength(expectedRows.length);
        for (let row = 0; row < rows.length; row++) {
          for (const f of schema.fields) {
            expect(rows[row]![f.name], `batch ${batchIndex} row ${row} column ${f.name}`).toEqual(
              expectedRows[row]![f.name],
            );
          }
        }
        decoded += rows.length;
      }
      expect(decoded).toBeGreaterThan(900);
    });
  }
});

describe('fuzz: mutated records', () => {
  it('only ever yield rows or DecodeErrors, and the good rows stay right', () => {
    const rng = new Random(99);
    const parser = createJsonParser(schema);
    const alphabet = ['"', '{', '}', '[', ']', ',', ':', '0', '-', 'e', '.', 'n', '\\', ' ', 'x', '\u00e9'];
    for (let round = 0; round < 4; round++) {
      const texts: string[] = [];
      const clean: (Record<string, unknown> | undefined)[] = [];
      for (let i = 0; i < 200; i++) {
        const record = randomRecord(rng);
        let text = writeJson({ kind: 'object', entries: record.entries }, rng);
        const mutated = rng.chance(0.5);
        if (mutated) {
          for (let m = rng.int(1, 3); m > 0; m--) {
            const at = rng.int(0, text.length - 1);
            text = text.slice(0, at) + (rng.chance(0.3) ? '' : rng.pick(alphabet)) + text.slice(at + 1);
          }
        }
        texts.push(text);
        clean.push(mutated ? undefined : record.expected);
      }
      const { batch, errors } = parser.decodeBatchSettled(texts);
      const failed = new Set(errors.map((e) => e.recordIndex));
      for (const error of errors) {
        expect(error.constructor.name).toBe('DecodeError');
        expect(clean[error.recordIndex]).toBeUndefined();
      }
      expect(batch.numRows).toBe(texts.length - failed.size);
      // A mutation can leave a record valid (with other values); the unmutated ones must read back exactly.
      const rows = readRows(batch);
      let row = 0;
      for (let i = 0; i < texts.length; i++) {
        if (failed.has(i)) continue;
        const expected = clean[i];
        if (expected !== undefined) expect(rows[row]).toEqual(expected);
        row++;
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// 6. The byte path against the text path: the same records as strings and as UTF-8 bytes

/** Number spellings at the edges of every numeric rule, and some that are not JSON numbers at all. */
const NUMBER_EDGES = [
  '0',
  '-0',
  '-0.0',
  '0e0',
  '-0E-0',
  '0.1',
  '1.0',
  '100.000',
  '1e2',
  '1E+2',
  '12e-1',
  '0.000001',
  '1.5',
  '1e308',
  '1.7976931348623157e308',
  '1e309',
  '-1e309',
  '1e-320',
  '4.9e-324',
  '2.5e-324',
  '1e-400',
  '123456789012345678',
  '-123456789012345678',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '999999999999999',
  '1000000000000000',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '18446744073709551615',
  '18446744073709551616',
  '1.8e19',
  '9007199254740993.5',
  '123456789.123456789',
  '3.4028235e38',
  '3.5e38',
  '2147483647',
  '2147483648',
  '-2147483649',
  '4294967295',
  '4294967296',
  '1e21',
  '1e22',
  '1e23',
  '123456789012345e-22',
  '1234567890123456e-5',
  '0.1e-22',
  '"12"',
  '"-12"',
  '"NaN"',
  '"Infinity"',
  '"-Infinity"',
  '"1e3"',
  '" 12"',
  '"2024-05-01"',
  'true',
  'null',
  '01',
  '-',
  '1.',
  '.5',
  '+1',
  '1e',
  '--1',
  '0x10',
  'NaN',
  'Infinity',
  '1_000',
].map((text) => text.trim());

/** Whole-record damage: what a producer's bug or a cut connection leaves. */
const RECORD_DAMAGE: readonly ((text: string, rng: Random) => string)[] = [
  (text, rng) => text.slice(0, rng.int(0, text.length - 1)), // truncated
  (text, rng) => `${text}${rng.pick(['x', '}', ' ,', '\u00a0', '\u2028', ' {}', '\n\t '])}`, // trailing
  (text) => `\ufeff${text}`, // a byte-order mark
  (text, rng) => `${rng.pick([' ', '\n', '\r\n\t'])}${text}${rng.pick([' ', '\r\n', ''])}`, // whitespace
  (text) => text.replace('"', '"r\\u005f'), // an escaped key (the first key gets a prefix)
  () => '{}',
  (_, rng) => rng.pick(['[]', 'null', '1', '""', '', ' ', '{', '{"r_i32":1}{}', '{,}']),
];

/** A JSON string body with escapes the byte scanner must decode as `JSON.parse` does, or refuse. */
const ESCAPES = [
  '\\"',
  '\\\\',
  '\\/',
  '\\b',
  '\\f',
  '\\n',
  '\\r',
  '\\t',
  '\\u00e9',
  '\\u4E2D',
  '\\ud83d\\ude00',
  '\\ud800',
  '\\udc00',
  '\\ud800x',
  '\\ud800\\u0041',
  '\\u12G4',
  '\\x',
  '\\u00',
];

/** A random record as text, with the kinds of damage and oddity above mixed in at random. */
function unusualRecord(rng: Random): string {
  const { entries } = randomRecord(rng);
  const roll = rng.next();
  if (roll < 0.15) {
    // A number spelling into a random scalar column.
    const scalar = SCALARS.map(([name]) => `${rng.pick(['n_', 'r_'])}${name}`);
    const name = rng.pick(scalar);
    const value = raw(rng.pick(NUMBER_EDGES));
    const at = entries.findIndex(([key]) => key === name);
    if (at >= 0) entries[at] = [name, value];
    else entries.push([name, value]);
  } else if (roll < 0.22) {
    const [key, value] = rng.pick(entries);
    entries.splice(rng.int(0, entries.length), 0, [key, rng.chance(0.5) ? value : NULL]); // a duplicate key
  } else if (roll < 0.27) {
    entries.splice(rng.int(0, entries.length), 0, ['zz_unknown', rng.pick([raw('1'), str('x'), NULL])]);
  } else if (roll < 0.32) {
    entries.splice(rng.int(0, entries.length - 1), 1); // maybe a required column missing
  } else if (roll < 0.4) {
    for (let i = entries.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
  } else if (roll < 0.5) {
    const name = rng.pick(['n_utf8', 'r_utf8', 'n_ts', 'n_bin', 'n_f64']);
    const body = Array.from({ length: rng.int(1, 3) }, () => rng.pick(['a', 'é', ...ESCAPES])).join('');
    const at = entries.findIndex(([key]) => key === name);
    if (at >= 0) entries[at] = [name, raw(`"${body}"`)];
  } else if (roll < 0.55) {
    // A value of the wrong shape: a container for a scalar, a scalar for a container.
    const [key] = rng.pick(entries);
    const at = entries.findIndex(([k]) => k === key);
    entries[at] = [key, rng.pick([raw('[1,2]'), raw('{"a":1}'), raw('"s"'), raw('7'), raw('[1,}')])];
  }
  const text = writeJson({ kind: 'object', entries }, rng);
  return rng.chance(0.12) ? rng.pick(RECORD_DAMAGE)(text, rng) : text;
}

/** The record's UTF-8, sometimes made ill-formed: a stray byte, a cut sequence, an encoded surrogate. */
function recordBytes(text: string, rng: Random): { bytes: Uint8Array; valid: boolean } {
  const bytes = Buffer.from(text);
  if (!rng.chance(0.04) || bytes.length === 0) return { bytes, valid: true };
  const at = rng.int(0, bytes.length - 1);
  const bad = rng.pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xc0, 0xaf]]);
  return {
    bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]),
    valid: false,
  };
}

/** A batch as Arrow IPC bytes: equal bytes mean equal schema, values, validity and null slots. */
function ipcBytes(batch: RecordBatch): Uint8Array {
  return tableToIPC(new Table(batch), 'stream');
}

/**
 * The text of a record's bytes as the ingest node decodes it. (The texts the writer makes may hold a lone
 * surrogate next to an escaped one, which UTF-8 cannot carry: the reference is what the bytes say.)
 */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const errorFields = (e: DecodeError) => [e.code, e.recordIndex, e.fieldPath, e.byteOffset, e.detail];

describe('the byte path decodes exactly what the text path decodes', () => {
  for (const [seed, options] of [
    [11, {}],
    [12, {}],
    [13, { unknownFields: 'ignore' }],
    [14, { maxRecordBytes: 1500 }],
  ] as const) {
    it(`seed ${seed} ${JSON.stringify(options)}: 600 unusual records, the same rows and the same errors`, () => {
      const rng = new Random(seed);
      const text = createJsonParser(schema, options);
      const bytes = createJsonParser(schema, options);
      let rows = 0;
      for (let batchIndex = 0; batchIndex < 3; batchIndex++) {
        const texts: string[] = [];
        const records: Uint8Array[] = [];
        const invalid = new Set<number>();
        for (let i = 0; i < 200; i++) {
          const record = unusualRecord(rng);
          const { bytes: encoded, valid } = recordBytes(record, rng);
          records.push(encoded);
          if (valid) texts.push(strictUtf8.decode(encoded));
          else {
            invalid.add(i);
            texts.push(undefined as unknown as string); // fails TYPE_MISMATCH on the text side
          }
        }
        const expected = text.decodeBatchSettled(texts);
        const actual = bytes.decodeBatchBytesSettled(records);
        const expectedErrors = expected.errors.filter((e) => !invalid.has(e.recordIndex));
        const actualErrors = actual.errors.filter((e) => !invalid.has(e.recordIndex));
        expect(actualErrors.map(errorFields)).toEqual(expectedErrors.map(errorFields));
        for (const e of actual.errors.filter((e) => invalid.has(e.recordIndex))) {
          expect([e.code, e.fieldPath]).toEqual(['INVALID_UTF8', '']);
          expect(e.byteOffset).toBeGreaterThanOrEqual(0);
        }
        expect(actual.errors.filter((e) => invalid.has(e.recordIndex))).toHaveLength(invalid.size);
        expect(readRows(actual.batch)).toEqual(readRows(expected.batch));
        expect(ipcBytes(actual.batch)).toEqual(ipcBytes(expected.batch));
        rows += actual.batch.numRows;
      }
      // Each kind of record came up: good rows, and errors.
      expect(rows).toBeGreaterThan(80);
      expect(bytes.stats.fast).toBeGreaterThan(40);
      expect(bytes.stats.fallback).toBeGreaterThan(80);
    });
  }

  it('decodeBatchBytes throws the text path error of the first bad record, and the parser stays usable', () => {
    const rng = new Random(21);
    const text = createJsonParser(schema);
    const bytes = createJsonParser(schema);
    const write = (entries: [string, Json][]) =>
      strictUtf8.decode(Buffer.from(writeJson({ kind: 'object', entries }, rng)));
    const good = () => write(randomRecord(rng).entries);
    /** A good record but for one value: each bad record has every required column. */
    const withValue = (key: string, value: Json) =>
      write([...randomRecord(rng).entries.filter(([k]) => k !== key), [key, value]]);
    const bads = [
      () => good().slice(0, -1),
      () => withValue('zz', raw('1')),
      () => withValue('r_i32', raw('1.5')),
      () => withValue('r_utf8', raw('"\\ud800"')),
      () => withValue('r_u64', raw('18446744073709551616')),
      () => withValue('r_i32', raw('"1"')),
      () => withValue('n_bool', raw('tru')),
    ];
    for (const bad of bads) {
      const texts = [good(), good(), bad(), good()];
      const thrown = (decode: () => unknown) => {
        try {
          decode();
        } catch (error) {
          return errorFields(error as DecodeError);
        }
        throw new Error('no error');
      };
      expect(thrown(() => bytes.decodeBatchBytes(texts.map((t) => Buffer.from(t))))).toEqual(
        thrown(() => text.decodeBatch(texts)),
      );
      const after = [good(), good()];
      expect(ipcBytes(bytes.decodeBatchBytes(after.map((t) => Buffer.from(t))))).toEqual(
        ipcBytes(text.decodeBatch(after)),
      );
    }
  });

  it('takes the fast path for every well-formed record of the random generator', () => {
    const rng = new Random(31);
    const parser = createJsonParser(schema);
    const texts = Array.from({ length: 300 }, () =>
      strictUtf8.decode(Buffer.from(writeJson({ kind: 'object', entries: randomRecord(rng).entries }, rng))),
    );
    // Requests carry records back to back in one buffer: views into it, as the ingest node passes them.
    const buffer = Buffer.from(texts.join(''));
    let at = 0;
    const records = texts.map((t) => {
      const start = at;
      at += Buffer.byteLength(t);
      return buffer.subarray(start, at);
    });
    const { batch, errors } = parser.decodeBatchBytesSettled(records);
    expect(errors).toEqual([]);
    expect(parser.stats).toEqual({ fast: 300, fallback: 0 });
    expect(ipcBytes(batch)).toEqual(ipcBytes(createJsonParser(schema).decodeBatch(texts)));
  });
});

describe('ClickBench-like rows (the bench records: flat, 105 columns, int64 as digit strings)', () => {
  it('all go fast and decode as the text path does', () => {
    const protobuf = createParser(clickbenchSchema().descriptorProto);
    const texts = generateClickbenchAsJson(200, 5);
    const parser = createJsonParser(protobuf.schema);
    const batch = parser.decodeBatchBytes(texts.map((t) => Buffer.from(t)));
    expect(parser.stats).toEqual({ fast: 200, fallback: 0 });
    expect(ipcBytes(batch)).toEqual(ipcBytes(createJsonParser(protobuf.schema).decodeBatch(texts)));
  });
});
