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

/** Per-row validity of `data` under its ancestors' `mask`: `undefined` when every row is valid. */
function combineMask(data: Data, mask: Mask): Mask {
  const bitmap = data.nullBitmap;
  const hasNulls = data.nullCount !== 0 && bitmap !== undefined && bitmap.length > 0;
  if (!hasNulls && mask === undefined) return undefined;
  const n = data.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const bit = data.offset + i;
    const own = hasNulls ? (bitmap[bit >> 3]! >> (bit & 7)) & 1 : 1;
    out[i] = mask === undefined ? own : own & mask[i]!;
  }
  return out;
}

/** Null rows of a leaf column over its chunks (no values read). */
function countNulls(chunks: readonly Data[], masks: readonly Mask[]): number {
  let nulls = 0;
  for (let c = 0; c < chunks.length; c++) {
    const valid = combineMask(chunks[c]!, masks[c]);
    if (valid !== undefined) for (let i = 0; i < valid.length; i++) nulls += 1 - valid[i]!;
  }
  return nulls;
}

/** Compares `a[aStart, aEnd)` with `b[bStart, bEnd)` bytewise (UTF-8 byte order is code point order). */
function compareRanges(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
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

// The scans below are one loop per value type, without a call per value: they run over every value of every
// data file the node writes (a generic closure-per-value scan cost ~1.8 CPU ms per MB of NEOWISE records).
// They loop over the chunks with `for`, not `forEach`: a number that a callback assigns to its enclosing
// function's variable lives in a heap-allocated context, boxed: the scans then allocated ~18 bytes per
// value read (~10 MB of garbage per 32 MB NEOWISE-like file, 0.3 MB now).

/** Null count and the UTF-8 extremes (as byte ranges) of a string column. */
function stringBounds(
  chunks: readonly Data[],
  masks: readonly Mask[],
): { nulls: number; min: Uint8Array | undefined; max: Uint8Array | undefined } {
  let nulls = 0;
  let minBytes: Uint8Array | undefined;
  let minStart = 0;
  let minEnd = 0;
  let maxBytes: Uint8Array | undefined;
  let maxStart = 0;
  let maxEnd = 0;
  for (let c = 0; c < chunks.length; c++) {
    const data = chunks[c]!;
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const valid = combineMask(data, masks[c]);
    for (let i = 0; i < data.length; i++) {
      if (valid !== undefined && valid[i] === 0) {
        nulls++;
        continue;
      }
      const start = offsets[i]!;
      const end = offsets[i + 1]!;
      if (minBytes === undefined || compareRanges(bytes, start, end, minBytes, minStart, minEnd) < 0) {
        minBytes = bytes;
        minStart = start;
        minEnd = end;
      }
      if (maxBytes === undefined || compareRanges(bytes, start, end, maxBytes, maxStart, maxEnd) > 0) {
        maxBytes = bytes;
        maxStart = start;
        maxEnd = end;
      }
    }
  }
  return {
    nulls,
    min: minBytes?.subarray(minStart, minEnd),
    max: maxBytes?.subarray(maxStart, maxEnd),
  };
}

/**
 * Null count and extremes of an int64 or timestamp column, compared as (signed high word, unsigned low word)
 * pairs so that no BigInt is made per value.
 */
function int64Bounds(
  chunks: readonly Data[],
  masks: readonly Mask[],
): { nulls: number; min: bigint | undefined; max: bigint | undefined } {
  let nulls = 0;
  let found = false;
  let minHi = 0;
  let minLo = 0;
  let maxHi = 0;
  let maxLo = 0;
  for (let c = 0; c < chunks.length; c++) {
    const data = chunks[c]!;
    const values = data.values as BigInt64Array;
    const words = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
    const valid = combineMask(data, masks[c]);
    for (let i = 0; i < data.length; i++) {
      if (valid !== undefined && valid[i] === 0) {
        nulls++;
        continue;
      }
      const lo = words[2 * i]! >>> 0;
      const hi = words[2 * i + 1]!;
      if (!found) {
        found = true;
        minHi = maxHi = hi;
        minLo = maxLo = lo;
        continue;
      }
      if (hi < minHi || (hi === minHi && lo < minLo)) {
        minHi = hi;
        minLo = lo;
      }
      if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
        maxHi = hi;
        maxLo = lo;
      }
    }
  }
  const join = (hi: number, lo: number): bigint => (BigInt(hi) << 32n) | BigInt(lo);
  return found
    ? { nulls, min: join(minHi, minLo), max: join(maxHi, maxLo) }
    : { nulls, min: undefined, max: undefined };
}

/** Null count and extremes of a column of JS numbers; `finite: false` when a NaN or infinity was seen. */
function numberBounds(
  chunks: readonly Data[],
  masks: readonly Mask[],
): { nulls: number; count: number; min: number; max: number; finite: boolean } {
  let nulls = 0;
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let nan = false;
  for (let c = 0; c < chunks.length; c++) {
    const data = chunks[c]!;
    const values = data.values as Float64Array | Float32Array | Int32Array | Int16Array | Int8Array;
    const valid = combineMask(data, masks[c]);
    const n = data.length;
    for (let i = 0; i < n; i++) {
      if (valid !== undefined && valid[i] === 0) {
        nulls++;
        continue;
      }
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
      else if (Number.isNaN(v)) nan = true;
    }
    count += n;
  }
  count -= nulls;
  return { nulls, count, min, max, finite: !nan && Number.isFinite(min) && Number.isFinite(max) };
}

/** Null count and extremes of a decimal column (128-bit values, rare: one BigInt per value). */
function decimalBounds(
  chunks: readonly Data[],
  masks: readonly Mask[],
): { nulls: number; min: bigint | undefined; max: bigint | undefined } {
  let nulls = 0;
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (let c = 0; c < chunks.length; c++) {
    const data = chunks[c]!;
    const valid = combineMask(data, masks[c]);
    for (let i = 0; i < data.length; i++) {
      if (valid !== undefined && valid[i] === 0) {
        nulls++;
        continue;
      }
      const v = decimalAt(data.values as Uint32Array, i);
      if (min === undefined || v < min) min = v;
      if (max === undefined || v > max) max = v;
    }
  }
  return { nulls, min, max };
}

const int64Json = (v: bigint): JsonValue => (Number.isSafeInteger(Number(v)) ? Number(v) : v);

/** Both bounds, or neither (a bound that cannot be written makes the other useless too). */
function bounds(nulls: number, min: JsonValue | undefined, max: JsonValue | undefined): LeafStats {
  return min === undefined || max === undefined ? { nulls } : { nulls, min, max };
}

/** Min, max and null count of one leaf column over its chunks. */
function leafStats(type: DeltaType, chunks: readonly Data[], masks: readonly Mask[]): LeafStats {
  const typeId = chunks[0]?.typeId;
  const hasBounds = typeof type === 'string' && type !== 'boolean' && type !== 'binary';
  if (!hasBounds) return { nulls: countNulls(chunks, masks) };
  if (typeId === Type.Utf8) {
    const s = stringBounds(chunks, masks);
    const out: LeafStats = { nulls: s.nulls };
    if (s.min !== undefined) out.min = truncateMin(utf8.decode(s.min));
    const max = s.max === undefined ? undefined : truncateMax(utf8.decode(s.max));
    if (max !== undefined) out.max = max;
    return out;
  }
  if (type === 'long' || typeId === Type.Timestamp) {
    const s = int64Bounds(chunks, masks);
    const json = type === 'long' ? int64Json : formatTimestampMicros;
    return bounds(
      s.nulls,
      s.min === undefined ? undefined : json(s.min),
      s.max === undefined ? undefined : json(s.max),
    );
  }
  if (typeId === Type.Decimal) {
    const scale = parseDecimalType(type)?.scale ?? 0;
    const s = decimalBounds(chunks, masks);
    return bounds(
      s.nulls,
      s.min === undefined ? undefined : decimalJson(s.min, scale),
      s.max === undefined ? undefined : decimalJson(s.max, scale),
    );
  }
  if (typeId === Type.Int || typeId === Type.Float || typeId === Type.Date) {
    const s = numberBounds(chunks, masks);
    // NaN or infinities have no JSON form; omitting min/max is always safe.
    if (s.count === 0 || !s.finite) return { nulls: s.nulls };
    if (typeId === Type.Date) return bounds(s.nulls, formatDate(s.min), formatDate(s.max));
    return { nulls: s.nulls, min: s.min, max: s.max };
  }
  return { nulls: countNulls(chunks, masks) };
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
