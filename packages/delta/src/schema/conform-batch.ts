import {
  type Data,
  type DataType,
  type Field,
  type Float,
  type Int,
  makeData,
  Precision,
  RecordBatch,
  type Schema,
  Struct,
  type Timestamp,
  Type,
  util,
  vectorFromArray,
} from 'apache-arrow';
import { DeltaError } from '../errors.js';
import { microsPerUnit } from './arrow-schema.js';

/**
 * `write`: data going into the table (strict: extra columns, nulls in NOT NULL columns and zone-less
 * timestamps are refused). `read`: a data file coming out (lenient: columns added later read as nulls,
 * Spark's zone-less INT96 timestamps are UTC, unknown columns are dropped).
 */
export type ConformMode = 'write' | 'read';

const sameType = (a: DataType, b: DataType): boolean => util.compareTypes(a, b);

function mismatch(path: string, what: string): never {
  throw new DeltaError('SCHEMA_MISMATCH', `column ${path} ${what}`);
}

function nullData(type: DataType, length: number): Data {
  return vectorFromArray(new Array<null>(length).fill(null), type).data[0] as Data;
}

/**
 * Zeroed memory for `bytes` of the same kind as `like`'s: a batch in shared memory stays in shared memory
 * once conformed, so it can still be posted to a worker thread without a copy (see `shareBatches`).
 */
function memoryLike(like: ArrayBufferView, bytes: number): ArrayBuffer | SharedArrayBuffer {
  return like.buffer instanceof SharedArrayBuffer ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** Converts leaf values whose Arrow type differs from the table's but converts exactly. */
function convertLeaf(src: Data, target: DataType, path: string, mode: ConformMode): Data {
  const base = {
    offset: src.offset,
    length: src.length,
    nullCount: src.nullCount,
    nullBitmap: src.nullBitmap,
  };
  if (src.typeId === Type.Int && target.typeId === Type.Int) {
    const from = src.type as Int;
    const to = target as Int;
    if (to.isSigned && to.bitWidth > from.bitWidth) {
      if (to.bitWidth === 64) {
        // Widen to int64 without a BigInt per value: low words are the values, high words the sign.
        const values = src.values as
          | Int32Array
          | Uint32Array
          | Int16Array
          | Uint16Array
          | Int8Array
          | Uint8Array;
        const words = new Int32Array(memoryLike(values, src.length * 8));
        for (let i = 0; i < src.length; i++) {
          const v = values[i]!;
          words[2 * i] = v | 0;
          words[2 * i + 1] = v < 0 ? -1 : 0;
          if (!from.isSigned && from.bitWidth === 32) words[2 * i + 1] = 0;
        }
        return makeData({ ...base, type: target, data: new BigInt64Array(words.buffer) } as never);
      }
      const values = src.values as Int16Array | Uint16Array | Int8Array | Uint8Array;
      const memory = memoryLike(values, values.length * (to.bitWidth / 8));
      const data = to.bitWidth === 32 ? new Int32Array(memory) : new Int16Array(memory);
      data.set(values);
      return makeData({ ...base, type: target, data } as never);
    }
  }
  if (src.typeId === Type.Int && target.typeId === Type.Decimal) {
    const from = src.type as Int;
    if (!from.isSigned && from.bitWidth === 64) {
      // uint64 → decimal(20,0): the 128-bit value is the uint64 in the low two words.
      const values = src.values as BigUint64Array;
      const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
      const out = new Uint32Array(memoryLike(values, src.length * 16));
      for (let i = 0; i < src.length; i++) {
        out[4 * i] = words[2 * i]!;
        out[4 * i + 1] = words[2 * i + 1]!;
      }
      return makeData({ ...base, type: target, data: out } as never);
    }
  }
  if (src.typeId === Type.Timestamp && target.typeId === Type.Timestamp) {
    const tz = (src.type as Timestamp).timezone;
    // Spark writes INT96 timestamps without a zone; Delta's `timestamp` is UTC, so a reader takes them as UTC.
    if (mode === 'write' && (tz === null || tz === undefined || tz === '')) {
      mismatch(path, 'is a timestamp without a time zone; the table stores UTC timestamps');
    }
    const { mul, div } = microsPerUnit((src.type as Timestamp).unit);
    const values = src.values as BigInt64Array;
    if (mul === 1n && div === 1n) return makeData({ ...base, type: target, data: values } as never);
    const out = new BigInt64Array(memoryLike(values, src.length * 8));
    for (let i = 0; i < src.length; i++) {
      const v = values[i]! * mul;
      out[i] = div === 1n ? v : v / div - (v % div < 0n ? 1n : 0n);
    }
    return makeData({ ...base, type: target, data: out } as never);
  }
  if (
    src.typeId === Type.Float &&
    target.typeId === Type.Float &&
    (target as Float).precision === Precision.DOUBLE
  ) {
    const values = src.values as Float32Array;
    const data = new Float64Array(memoryLike(values, values.length * 8));
    data.set(values);
    return makeData({ ...base, type: target, data } as never);
  }
  return mismatch(path, `has Arrow type ${src.type} but the table stores ${target}`);
}

function conformChildren(
  src: readonly Data[],
  srcFields: readonly Field[],
  targetFields: readonly Field[],
  length: number,
  path: string,
  mode: ConformMode,
): Data[] {
  const byName = new Map(srcFields.map((f, i) => [f.name, i]));
  const known = new Set(targetFields.map((f) => f.name));
  for (const f of srcFields) {
    if (mode === 'write' && !known.has(f.name)) {
      mismatch(
        path ? `${path}.${f.name}` : f.name,
        'is not in the table schema; evolve the schema first (add it as a nullable column)',
      );
    }
  }
  return targetFields.map((t) => {
    const p = path ? `${path}.${t.name}` : t.name;
    const i = byName.get(t.name);
    if (i === undefined) {
      if (mode === 'write' && !t.nullable) mismatch(p, 'is missing and the table says it is NOT NULL');
      return nullData(t.type, length);
    }
    const data = conformData(src[i] as Data, t.type, p, mode);
    if (mode === 'write' && !t.nullable && data.nullCount > 0)
      mismatch(p, 'has nulls but the table says it is NOT NULL');
    return data;
  });
}

/**
 * Returns `src` with exactly the Arrow type `target` (the table's), converting where it is exact: integer
 * widening (Uint32→Int64, Uint64→Decimal(20,0)), timestamp units → microseconds UTC, Float32→Float64, and
 * list/map/struct field names. Missing nullable struct fields become nulls. Anything else throws
 * `SCHEMA_MISMATCH` naming the column.
 */
export function conformData(src: Data, target: DataType, path: string, mode: ConformMode = 'write'): Data {
  if (sameType(src.type, target)) return src;
  const base = {
    offset: src.offset,
    length: src.length,
    nullCount: src.nullCount,
    nullBitmap: src.nullBitmap,
  };
  if (src.typeId === Type.Struct && target.typeId === Type.Struct) {
    const children = conformChildren(
      src.children,
      src.type.children,
      target.children,
      src.length,
      path,
      mode,
    );
    return makeData({ ...base, type: target as Struct, children });
  }
  if (
    (src.typeId === Type.List && target.typeId === Type.List) ||
    (src.typeId === Type.Map && target.typeId === Type.Map)
  ) {
    const targetChild = target.children[0] as Field;
    const child = conformData(src.children[0] as Data, targetChild.type, `${path}.${targetChild.name}`, mode);
    if (mode === 'write' && !targetChild.nullable && child.nullCount > 0)
      mismatch(path, 'has null elements but the table forbids them');
    return makeData({ ...base, type: target, valueOffsets: src.valueOffsets, child } as never);
  }
  return convertLeaf(src, target, path, mode);
}

function hasNullsInNotNull(batch: RecordBatch): boolean {
  return batch.schema.fields.some((f, i) => !f.nullable && (batch.data.children[i]?.nullCount ?? 0) > 0);
}

/**
 * A record batch with exactly the table's Arrow schema (see {@link conformData}); when writing, extra columns
 * and nulls in NOT NULL columns throw `SCHEMA_MISMATCH`.
 */
export function conformBatch(batch: RecordBatch, target: Schema, mode: ConformMode = 'write'): RecordBatch {
  if (util.compareSchemas(batch.schema, target) && !hasNullsInNotNull(batch)) {
    return batch.schema === target ? batch : new RecordBatch(target, batch.data);
  }
  const children = conformChildren(
    batch.data.children,
    batch.schema.fields,
    target.fields,
    batch.numRows,
    '',
    mode,
  );
  const data = makeData({ type: new Struct(target.fields), length: batch.numRows, nullCount: 0, children });
  return new RecordBatch(target, data);
}
