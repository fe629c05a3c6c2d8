import type { JsonValue } from '@lakestream/delta';
import { parseJson } from '../delta/delta';
import { type CompiledFilter, compareKeys, type FilterKey, parseTimestampMicros } from './record-filter';

/** The part of a data file's `add.stats` that skipping reads (Delta spec: Per-file Statistics). */
interface FileStats {
  readonly numRecords: number | undefined;
  readonly minValues: Record<string, JsonValue>;
  readonly maxValues: Record<string, JsonValue>;
  readonly nullCount: Record<string, JsonValue>;
}

const DATE = /^(-?\d+)-(\d{2})-(\d{2})$/;

function objectOr(value: JsonValue | undefined): Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

/** `add.stats` parsed (int64 exact), or undefined when the file has none or they do not parse. */
export function parseFileStats(stats: string | undefined): FileStats | undefined {
  if (stats === undefined) return undefined;
  try {
    const json = objectOr(parseJson(stats));
    const n = json.numRecords;
    return {
      numRecords: typeof n === 'number' ? n : typeof n === 'bigint' ? Number(n) : undefined,
      minValues: objectOr(json.minValues),
      maxValues: objectOr(json.maxValues),
      nullCount: objectOr(json.nullCount),
    };
  } catch {
    return undefined;
  }
}

/**
 * A min or max statistic as a key of the filter's kind, or undefined when it cannot bound the column.
 * Timestamps are kept floored to milliseconds (spec), so a max is widened by 999 µs; strings are kept as a
 * prefix of the min and a max that is never below the true max, so both still bound; decimals are written as
 * (inexact) JSON numbers and floats may lose NaN, so those two are never used.
 */
function boundOf(
  filter: CompiledFilter,
  stat: JsonValue | undefined,
  side: 'min' | 'max',
): FilterKey | undefined {
  switch (filter.kind) {
    case 'integer':
      return typeof stat === 'number' && Number.isInteger(stat)
        ? BigInt(stat)
        : typeof stat === 'bigint'
          ? stat
          : undefined;
    case 'string':
      return typeof stat === 'string' ? stat : undefined;
    case 'date': {
      const m = typeof stat === 'string' ? DATE.exec(stat) : null;
      return m === null ? undefined : Math.floor(Date.parse(`${stat}T00:00:00Z`) / 86_400_000);
    }
    case 'timestamp': {
      const micros = typeof stat === 'string' ? parseTimestampMicros(stat) : undefined;
      return micros === undefined ? undefined : side === 'max' ? micros + 999n : micros;
    }
    default:
      return undefined;
  }
}

/**
 * Whether a data file may hold a row passing `filter`, judged by its `add.stats` alone: false only when the
 * statistics prove it holds none — every value null (or none null, for `isNull`), or the value outside the
 * file's [min, max]. Unknown statistics, `contains`, decimals, floats and booleans always read the file.
 */
export function fileMayMatch(filter: CompiledFilter, stats: FileStats | undefined): boolean {
  if (stats === undefined) return true;
  const nulls = stats.nullCount[filter.column];
  const nullCount = typeof nulls === 'number' ? nulls : typeof nulls === 'bigint' ? Number(nulls) : undefined;
  const allNull = nullCount !== undefined && nullCount === stats.numRecords;
  if (filter.op === 'isNull') return nullCount !== 0;
  if (allNull) return false;
  if (filter.op === 'isNotNull' || filter.op === 'contains') return true;
  const min = boundOf(filter, stats.minValues[filter.column], 'min');
  const max = boundOf(filter, stats.maxValues[filter.column], 'max');
  const key = filter.key as FilterKey;
  switch (filter.op) {
    case 'eq':
      return !(
        (min !== undefined && compareKeys(key, min) < 0) ||
        (max !== undefined && compareKeys(key, max) > 0)
      );
    case 'lt':
      return min === undefined || compareKeys(min, key) < 0;
    case 'lte':
      return min === undefined || compareKeys(min, key) <= 0;
    case 'gt':
      return max === undefined || compareKeys(max, key) > 0;
    case 'gte':
      return max === undefined || compareKeys(max, key) >= 0;
  }
}

/** Whether a data file may hold a row passing every filter (they are ANDed), by its statistics. */
export function fileMayMatchAll(filters: readonly CompiledFilter[], stats: string | undefined): boolean {
  if (filters.length === 0) return true;
  const parsed = parseFileStats(stats);
  return filters.every((f) => fileMayMatch(f, parsed));
}
