import type { DeltaSchema, DeltaType } from '@lakestream/delta';
import { RecordsError } from './records-error';

/** What a filter compares with: `eq` equality, the four range operators, `contains` (strings), and nulls. */
export const FILTER_OPERATORS = ['eq', 'lt', 'lte', 'gt', 'gte', 'contains', 'isNull', 'isNotNull'] as const;
/** One of {@link FILTER_OPERATORS}. */
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** A filter as asked: a top-level column, an operator and a value in words (`42`, `2024-01-31`, `tea`). */
export interface RecordFilter {
  readonly column: string;
  readonly op: FilterOperator;
  /** Unused by `isNull` and `isNotNull`. */
  readonly value?: string | undefined;
}

/**
 * A value in the form rows and statistics are compared in: bigint for integers, decimals (unscaled) and
 * timestamps (µs), number for floats and dates (days), string, boolean.
 */
export type FilterKey = bigint | number | string | boolean;

/** The column kinds filters understand, each with its own comparison. */
export type FilterKind = 'integer' | 'float' | 'decimal' | 'string' | 'boolean' | 'date' | 'timestamp';

/** A filter checked against the table's schema: its column's position and kind, its value parsed. */
export interface CompiledFilter {
  readonly column: string;
  /** The column's position among the schema's top-level fields. */
  readonly index: number;
  readonly op: FilterOperator;
  readonly kind: FilterKind;
  /** The parsed value; null for `isNull` and `isNotNull`. */
  readonly key: FilterKey | null;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?$/;
const DECIMAL_TYPE = /^decimal\((\d+),\s*(\d+)\)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;
const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  byte: [-(2n ** 7n), 2n ** 7n - 1n],
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** The filter kind of a Delta type, or undefined for the types filters cannot compare (nested, binary). */
export function filterKindOf(type: DeltaType): FilterKind | undefined {
  if (typeof type !== 'string') return undefined;
  if (type in INTEGER_RANGES) return 'integer';
  if (type === 'float' || type === 'double') return 'float';
  if (type === 'string') return 'string';
  if (type === 'boolean') return 'boolean';
  if (type === 'date') return 'date';
  if (type === 'timestamp' || type === 'timestamp_ntz') return 'timestamp';
  if (DECIMAL_TYPE.test(type)) return 'decimal';
  return undefined;
}

/** Days since 1970-01-01 of a valid calendar date, or undefined (2024-02-30). */
function daysOf(year: number, month: number, day: number): number | undefined {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return Math.floor(date.getTime() / 86_400_000);
}

/** µs since the epoch of an ISO-8601 date or date-time (UTC unless it has an offset), or undefined. */
export function parseTimestampMicros(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text);
  if (m === null) return undefined;
  const days = daysOf(Number(m[1]), Number(m[2]), Number(m[3]));
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (days === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = m[8] === undefined || m[8] === 'Z' ? 0 : offsetMinutes(m[8]);
  const seconds = BigInt(days) * 86_400n + BigInt(hour * 3600 + (minute - offset) * 60 + second);
  return seconds * 1_000_000n + BigInt((m[7] ?? '').padEnd(6, '0'));
}

function offsetMinutes(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

/** `value` of a column of Delta type `type` and filter kind `kind` as a key, or a sentence why not. */
function parseKey(value: string, type: string, kind: FilterKind): FilterKey | string {
  const text = value.trim();
  switch (kind) {
    case 'integer': {
      const [min, max] = INTEGER_RANGES[type]!;
      if (!INTEGER.test(text)) return `is not a whole number`;
      const n = BigInt(text);
      return n < min || n > max ? `is outside the range of ${type} (${min} to ${max})` : n;
    }
    case 'float': {
      const n = Number(text);
      return text === '' || !Number.isFinite(n) ? 'is not a number' : n;
    }
    case 'decimal': {
      const scale = Number(DECIMAL_TYPE.exec(type)![2]);
      const m = DECIMAL_TEXT.exec(text);
      if (m === null) return 'is not a decimal number';
      const fraction = m[3] ?? '';
      if (fraction.length > scale) return `has more than ${scale} decimal places`;
      return BigInt(`${m[1]}${m[2]}${fraction.padEnd(scale, '0')}`);
    }
    case 'string':
      return value;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : 'is neither true nor false';
    case 'date': {
      const m = DATE.exec(text);
      const days = m === null ? undefined : daysOf(Number(m[1]), Number(m[2]), Number(m[3]));
      return days ?? 'is not a date (YYYY-MM-DD)';
    }
    case 'timestamp':
      return parseTimestampMicros(text) ?? 'is not a timestamp (YYYY-MM-DDTHH:MM:SS[.ffffff][Z])';
  }
}

/**
 * Checks filters against a table schema (top-level columns; `contains` only on strings; booleans only with
 * `eq`) and parses their values as the column's type. Throws `RecordsError`:
 * `UNKNOWN_COLUMN` naming the columns there are, `UNSUPPORTED_FILTER`, `BAD_VALUE` quoting the value.
 */
export function compileFilters(schema: DeltaSchema, filters: readonly RecordFilter[]): CompiledFilter[] {
  return filters.map((filter) => {
    const index = schema.fields.findIndex((f) => f.name === filter.column);
    const field = schema.fields[index];
    if (field === undefined) {
      const known = schema.fields.map((f) => f.name).join(', ');
      throw new RecordsError(
        'UNKNOWN_COLUMN',
        `The table has no column '${filter.column}'; its columns are ${known}.`,
      );
    }
    const kind = filterKindOf(field.type);
    if (kind === undefined) {
      const what = typeof field.type === 'string' ? field.type : field.type.type;
      throw new RecordsError(
        'UNSUPPORTED_FILTER',
        `Column '${field.name}' is ${what}: filters compare top-level columns of numbers, strings, booleans, dates and timestamps.`,
      );
    }
    if (filter.op === 'isNull' || filter.op === 'isNotNull') {
      return { column: field.name, index, op: filter.op, kind, key: null };
    }
    if (filter.op === 'contains' && kind !== 'string') {
      throw new RecordsError(
        'UNSUPPORTED_FILTER',
        `'contains' looks for text in a string column; '${field.name}' is ${field.type as string}.`,
      );
    }
    if (kind === 'boolean' && filter.op !== 'eq') {
      throw new RecordsError(
        'UNSUPPORTED_FILTER',
        `Column '${field.name}' is boolean: filter it with equals (true or false).`,
      );
    }
    const key = parseKey(filter.value ?? '', field.type as string, kind);
    if (typeof key === 'string' && kind !== 'string') {
      throw new RecordsError(
        'BAD_VALUE',
        `'${filter.value ?? ''}' ${key}, so it cannot be compared with column '${field.name}' (${field.type as string}).`,
      );
    }
    return { column: field.name, index, op: filter.op, kind, key };
  });
}

/** Compares strings by code point (UTF-8 byte order: how Delta statistics order them), not by UTF-16 unit. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Compares two keys of one kind: negative, 0, positive; NaN when either is a float NaN (matches nothing). */
export function compareKeys(a: FilterKey, b: FilterKey): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return (a as number) - (b as number);
}

/**
 * Whether a row's value passes a filter: SQL's rule, so a null passes only `isNull` and a NaN passes no
 * comparison. `value` is the row's key (see {@link rowKey}) or null.
 */
export function passes(filter: CompiledFilter, value: FilterKey | null): boolean {
  if (filter.op === 'isNull') return value === null;
  if (value === null) return false;
  if (filter.op === 'isNotNull') return true;
  if (filter.op === 'contains') return (value as string).includes(filter.key as string);
  const order = compareKeys(value, filter.key as FilterKey);
  switch (filter.op) {
    case 'eq':
      return order === 0;
    case 'lt':
      return order < 0;
    case 'lte':
      return order <= 0;
    case 'gt':
      return order > 0;
    case 'gte':
      return order >= 0;
  }
}

/**
 * A value read from a column of filter kind `kind` (read through `exactVector`: timestamps as bigint µs,
 * dates as days; decimals as apache-arrow's unscaled value) as a key, or null.
 */
export function rowKey(value: unknown, kind: FilterKind): FilterKey | null {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'integer':
      return BigInt(value as number | bigint);
    case 'decimal':
      return BigInt(String(value));
    default:
      return value as FilterKey;
  }
}
