import { type Data, type RecordBatch, type Struct, Type } from 'apache-arrow';
import type { JsonObject, JsonValue } from '../json.js';
import { stringifyJson } from '../json.js';
import {
  type DeltaSchema,
  type DeltaStructType,
  type DeltaType,
  parseDecimalType,
} from '../schema/delta-schema.js';

/** Options of {@link computeFileStats}. */
export interface FileStatsOptions {
  /**
   * How many leaf columns (depth-first, schema order) get statistics: the table property
   * `delta.dataSkippingNumIndexedCols`; default 32, `-1` for all.
   */
  numIndexedCols?: number;
}

/** Characters kept of a string min/max (spec: Statistics). */
export const STRING_PREFIX_LENGTH = 32;

const utf8 = new TextDecoder();

/** Per-row validity of the ancestors of a column in one chunk (`undefined`: all valid). */
type Mask = Uint8Array | undefined;

function isValid(data: Data, mask: Mask, i: number): boolean {
  if (mask !== undefined && mask[i] === 0) return false;
  if (data.nullCount === 0 || data.nullBitmap === undefined || data.nullBitmap.length === 0) return true;
  const bit = data.offset + i;
  return ((data.nullBitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

function combineMask(data: Data, mask: Mask): Mask {
  if (data.nullCount === 0 && mask === undefined) return undefined;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = isValid(data, mask, i) ? 1 : 0;
  return out;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The first `n` code points of `s` and the code point after them (`undefined` when `s` is no longer). */
function codePointPrefix(s: string, n: number): { prefix: string; next: number | undefined } {
  let count = 0;
  let i = 0;
  while (i < s.length && count < n) {
    i += s.codePointAt(i)! > 0xffff ? 2 : 1;
    count++;
  }
  return { prefix: s.slice(0, i), next: s.codePointAt(i) };
}

/** A string min truncated to a prefix (always ≤ every value). */
export function truncateMin(s: string): string {
  return codePointPrefix(s, STRING_PREFIX_LENGTH).prefix;
}

/**
 * A string max truncated with a tie-breaker so it stays ≥ every value (spec: `\u007F` when the first cut
 * character is ASCII, else U+10FFFF); `undefined` when no safe bound exists (the cut character is U+10FFFF).
 */
export function truncateMax(s: string): string | undefined {
  const { prefix, next } = codePointPrefix(s, STRING_PREFIX_LENGTH);
  if (next === undefined) return s;
  if (next < 0x7f) return `${prefix}\u007f`;
  if (next < 0x10ffff) return `${prefix}\u{10ffff}`;
  return undefined;
}

const MS_PER_DAY = 86_400_000;

/** Microseconds since the epoch → ISO-8601 UTC floored to milliseconds; `undefined` when out of range. */
export function formatTimestampMicros(micros: bigint): string | undefined {
  let ms = micros / 1000n;
  if (micros % 1000n < 0n) ms -= 1n;
  const d = new Date(Number(ms));
  const year = d.getUTCFullYear();
  return Number.isNaN(d.getTime()) || year < 0 || year > 9999 ? undefined : d.toISOString();
}

/** Days since the epoch → `YYYY-MM-DD`; `undefined` when out of range. */
export function formatDate(days: number): string | undefined {
  const d = new Date(days * MS_PER_DAY);
  const year = d.getUTCFullYear();
  return Number.isNaN(d.getTime()) || year < 0 || year > 9999 ? undefined : d.toISOString().slice(0, 10);
}

function decimalAt(values: Uint32Array, i: number): bigint {
  const o = i * 4;
  const v =
    BigInt(values[o]!) |
    (BigInt(values[o + 1]!) << 32n) |
    (BigInt(values[o + 2]!) << 64n) |
    (BigInt(values[o + 3]!) << 96n);
  return BigInt.asIntN(128, v);
}

/** The JSON value of a decimal stat: exact integer for scale 0, a number when it round-trips, else none. */
function decimalJson(unscaled: bigint, scale: number): JsonValue | undefined {
  if (scale === 0) return Number.isSafeInteger(Number(unscaled)) ? Number(unscaled) : unscaled;
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  if (digits.replace(/^0+/, '').length > 15) return undefined;
  return Number(`${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`);
}

interface LeafStats {
  nulls: number;
  min?: JsonValue;
  max?: JsonValue;
}

/**
 * Null count and the extremes of one leaf column over its chunks, comparing values as `read` returns them
 * (numbers, bigints, or UTF-8 bytes).
 */
function scan<T>(
  chunks: readonly Data[],
  masks: readonly Mask[],
  reader: ((data: Data) => (i: number) => T) | undefined,
  less: (a: T, b: T) => boolean,
): { nulls: number; min: T | undefined; max: T | undefined } {
  let nulls = 0;
  let min: T | undefined;
  let max: T | undefined;
  chunks.forEach((data, c) => {
    const read = reader?.(data);
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, masks[c], i)) {
        nulls++;
        continue;
      }
      if (read === undefined) continue;
      const v = read(i);
      if (min === undefined || less(v, min)) min = v;
      if (max === undefined || less(max, v)) max = v;
    }
  });
  return { nulls, min, max };
}

const bigintLess = (a: bigint, b: bigint): boolean => a < b;
const int64Json = (v: bigint): JsonValue => (Number.isSafeInteger(Number(v)) ? Number(v) : v);

/** Both bounds, or neither (a bound that cannot be written makes the other useless too). */
function bounds(nulls: number, min: JsonValue | undefined, max: JsonValue | undefined): LeafStats {
  return min === undefined || max === undefined ? { nulls } : { nulls, min, max };
}

/** Min, max and null count of one leaf column over its chunks. */
function leafStats(type: DeltaType, chunks: readonly Data[], masks: readonly Mask[]): LeafStats {
  const typeId = chunks[0]?.typeId;
  const hasBounds = typeof type === 'string' && type !== 'boolean' && type !== 'binary';
  if (!hasBounds) return { nulls: scan(chunks, masks, undefined, () => false).nulls };
  if (typeId === Type.Utf8) {
    const s = scan(
      chunks,
      masks,
      (data) => {
        const offsets = data.valueOffsets as Int32Array;
        const bytes = data.values as Uint8Array;
        return (i) => bytes.subarray(offsets[i]!, offsets[i + 1]!);
      },
      // UTF-8 byte order is code point order: the order Delta readers compare strings in.
      (a, b) => compareBytes(a, b) < 0,
    );
    const out: LeafStats = { nulls: s.nulls };
    if (s.min !== undefined) out.min = truncateMin(utf8.decode(s.min));
    const max = s.max === undefined ? undefined : truncateMax(utf8.decode(s.max));
    if (max !== undefined) out.max = max;
    return out;
  }
  if (type === 'long' || typeId === Type.Timestamp) {
    const s = scan(chunks, masks, (data) => (i) => (data.values as BigInt64Array)[i]!, bigintLess);
    if (type === 'long') {
      return bounds(
        s.nulls,
        s.min === undefined ? undefined : int64Json(s.min),
        s.max === undefined ? undefined : int64Json(s.max),
      );
    }
    return bounds(
      s.nulls,
      s.min === undefined ? undefined : formatTimestampMicros(s.min),
      s.max === undefined ? undefined : formatTimestampMicros(s.max),
    );
  }
  if (typeId === Type.Decimal) {
    const scale = parseDecimalType(type)?.scale ?? 0;
    const s = scan(chunks, masks, (data) => (i) => decimalAt(data.values as Uint32Array, i), bigintLess);
    return bounds(
      s.nulls,
      s.min === undefined ? undefined : decimalJson(s.min, scale),
      s.max === undefined ? undefined : decimalJson(s.max, scale),
    );
  }
  if (typeId === Type.Int || typeId === Type.Float || typeId === Type.Date) {
    let nan = false;
    const s = scan(
      chunks,
      masks,
      (data) => {
        const values = data.values as Float64Array | Float32Array | Int32Array | Int16Array | Int8Array;
        return (i) => {
          const v = values[i]!;
          if (Number.isNaN(v)) nan = true;
          return v;
        };
      },
      (a, b) => a < b,
    );
    // NaN or infinities have no JSON form; omitting min/max is always safe.
    if (
      nan ||
      s.min === undefined ||
      s.max === undefined ||
      !Number.isFinite(s.min) ||
      !Number.isFinite(s.max)
    ) {
      return { nulls: s.nulls };
    }
    if (typeId === Type.Date) return bounds(s.nulls, formatDate(s.min), formatDate(s.max));
    return { nulls: s.nulls, min: s.min, max: s.max };
  }
  return { nulls: scan(chunks, masks, undefined, () => false).nulls };
}

/**
 * The `add.stats` JSON string for the rows of one data file (spec: Statistics): `numRecords`, and for the
 * first `numIndexedCols` leaf columns `nullCount` (a null struct counts as null in every leaf below it) plus
 * `minValues`/`maxValues` for numbers, dates, timestamps (UTC, floored to ms), decimals and strings
 * (truncated to 32 characters, max with a tie-breaker). Never for booleans, binaries, arrays or maps. An
 * all-null column has no min/max. int64 values are exact. `batches` must already have the table's Arrow
 * types (see `conformBatch`).
 */
export function computeFileStats(
  batches: readonly RecordBatch[],
  schema: DeltaSchema,
  options: FileStatsOptions = {},
): string {
  const numRecords = batches.reduce((n, b) => n + b.numRows, 0);
  let budget = options.numIndexedCols ?? 32;
  if (budget < 0) budget = Number.POSITIVE_INFINITY;
  const minValues: JsonObject = {};
  const maxValues: JsonObject = {};
  const nullCount: JsonObject = {};

  const walk = (
    struct: DeltaStructType,
    chunks: readonly Data<Struct>[],
    masks: readonly Mask[],
    min: JsonObject,
    max: JsonObject,
    nc: JsonObject,
  ): void => {
    struct.fields.forEach((field, index) => {
      if (budget <= 0) return;
      const childChunks = chunks.map((d) => d.children[index] as Data);
      if (typeof field.type === 'object' && field.type.type === 'struct') {
        const childMasks = childChunks.map((d, c) => combineMask(d, masks[c]));
        const cmin: JsonObject = {};
        const cmax: JsonObject = {};
        const cnc: JsonObject = {};
        walk(field.type, childChunks as Data<Struct>[], childMasks, cmin, cmax, cnc);
        if (Object.keys(cmin).length > 0) min[field.name] = cmin;
        if (Object.keys(cmax).length > 0) max[field.name] = cmax;
        if (Object.keys(cnc).length > 0) nc[field.name] = cnc;
        return;
      }
      budget--;
      const s = leafStats(field.type, childChunks, masks);
      nc[field.name] = s.nulls;
      if (s.min !== undefined) min[field.name] = s.min;
      if (s.max !== undefined) max[field.name] = s.max;
    });
  };
  walk(
    schema,
    batches.map((b) => b.data),
    batches.map(() => undefined),
    minValues,
    maxValues,
    nullCount,
  );
  return stringifyJson({ numRecords, minValues, maxValues, nullCount });
}
