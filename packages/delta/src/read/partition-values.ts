import {
  Bool,
  type Data,
  type DataType,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  makeData,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { DeltaError } from '../errors.js';
import { toArrowType } from '../schema/arrow-schema.js';
import { type DeltaType, parseDecimalType } from '../schema/delta-schema.js';

const TIMESTAMP =
  /^(-?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** Microseconds since the epoch of a partition timestamp (`2024-01-01 12:30:00[.ffffff]`, UTC unless zoned). */
export function parseTimestampMicros(text: string): bigint {
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) throw new DeltaError('CORRUPT_LOG', `partition value "${text}" is not a timestamp`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  let micros = BigInt(ms) * 1000n + BigInt(frac.padEnd(6, '0').slice(0, 6) || '0');
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    micros -= sign * (BigInt(digits.slice(0, 2)) * 3600n + BigInt(digits.slice(2)) * 60n) * 1_000_000n;
  }
  return micros;
}

/** The unscaled integer of a decimal literal at `scale` (`"12.50"`, scale 3 → 12500n). */
export function parseDecimalUnscaled(text: string, scale: number): bigint {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (m === null) throw new DeltaError('CORRUPT_LOG', `partition value "${text}" is not a decimal`);
  const [, sign, int = '', frac = ''] = m;
  const digits = `${int}${frac.padEnd(scale, '0').slice(0, scale)}`;
  const v = BigInt(digits === '' ? '0' : digits);
  return sign === '-' ? -v : v;
}

/**
 * A column of `length` copies of a partition value (the string from `add.partitionValues`, `null` for a null
 * partition) with the column's Arrow type. Throws `CORRUPT_LOG` for a value that does not parse.
 */
export function partitionColumn(type: DeltaType, value: string | null, length: number): Data {
  const arrowType: DataType = toArrowType(type);
  if (value === null) return vectorFromArray(new Array<null>(length).fill(null), arrowType).data[0] as Data;
  const repeat = <T>(v: T): T[] => new Array<T>(length).fill(v);
  const dec = parseDecimalType(type);
  if (dec !== undefined) {
    const u = BigInt.asUintN(128, parseDecimalUnscaled(value, dec.scale));
    const words = new Uint32Array(length * 4);
    for (let i = 0; i < length; i++) {
      for (let w = 0; w < 4; w++) words[4 * i + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
    }
    return makeData({ type: arrowType, length, nullCount: 0, data: words } as never);
  }
  switch (type) {
    case 'string':
      return vectorFromArray(repeat(value), new Utf8()).data[0] as Data;
    case 'binary':
      return vectorFromArray(repeat(new TextEncoder().encode(value)), arrowType).data[0] as Data;
    case 'boolean':
      return vectorFromArray(repeat(value.toLowerCase() === 'true'), new Bool()).data[0] as Data;
    case 'byte':
      return makeData({ type: new Int8(), length, data: new Int8Array(length).fill(Number(value)) });
    case 'short':
      return makeData({ type: new Int16(), length, data: new Int16Array(length).fill(Number(value)) });
    case 'integer':
      return makeData({ type: new Int32(), length, data: new Int32Array(length).fill(Number(value)) });
    case 'float':
      return makeData({ type: new Float32(), length, data: new Float32Array(length).fill(Number(value)) });
    case 'double':
      return makeData({ type: new Float64(), length, data: new Float64Array(length).fill(Number(value)) });
    case 'long':
      return makeData({
        type: arrowType,
        length,
        nullCount: 0,
        data: new BigInt64Array(length).fill(BigInt(value)),
      } as never);
    case 'timestamp':
      return makeData({
        type: arrowType,
        length,
        nullCount: 0,
        data: new BigInt64Array(length).fill(parseTimestampMicros(value)),
      } as never);
    case 'date': {
      const days = Number(parseTimestampMicros(value) / 86_400_000_000n);
      return makeData({
        type: arrowType,
        length,
        nullCount: 0,
        data: new Int32Array(length).fill(days),
      } as never);
    }
  }
  throw new DeltaError(
    'UNSUPPORTED_FEATURE',
    `partition columns of type ${JSON.stringify(type)} are not supported`,
  );
}
