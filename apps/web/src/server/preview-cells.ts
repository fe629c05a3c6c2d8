import type { DeltaType } from '@lakestream/delta';

/** One cell of a table preview, as JSON carries it. */
export type PreviewCell = string | number | boolean | null;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const DECIMAL = /^decimal\((\d+),\s*(\d+)\)$/;

/** `-12345` at scale 2 → `-123.45`. */
function decimalText(unscaled: string, scale: number): string {
  if (scale === 0) return unscaled;
  const negative = unscaled.startsWith('-');
  const digits = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * A timestamp as ISO-8601 UTC: apache-arrow reads microsecond timestamps as (fractional) milliseconds; the
 * microseconds are shown when there are any (`…20.123456Z`), else JavaScript's millisecond form.
 */
function timestampText(ms: number): string {
  const micros = Math.round(ms * 1000);
  const whole = Math.floor(micros / 1000);
  const rest = micros - whole * 1000;
  const iso = new Date(whole).toISOString();
  return rest === 0 ? iso : `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

/** A float that JSON cannot hold as a number (NaN, ±Infinity) as its name. */
function floatValue(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

/** A scalar value of Delta type `type` as a preview shows it. */
function scalar(value: unknown, type: string): PreviewCell {
  switch (type) {
    case 'string':
    case 'boolean':
    case 'byte':
    case 'short':
    case 'integer':
      return value as PreviewCell;
    case 'long':
      return String(value); // exact: int64 as decimal text
    case 'float':
    case 'double':
      return floatValue(value as number);
    case 'binary':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'date':
      return new Date(value as number).toISOString().slice(0, 10);
    case 'timestamp':
    case 'timestamp_ntz':
      return timestampText(value as number);
  }
  const decimal = DECIMAL.exec(type);
  if (decimal !== null) return decimalText(String(value), Number(decimal[2]));
  return String(value);
}

/** A value of Delta type `type` as JSON (nested values: structs as objects, maps as objects by key). */
function toJson(value: unknown, type: DeltaType): Json {
  if (value === null || value === undefined) return null;
  if (typeof type === 'string') return scalar(value, type);
  if (type.type === 'struct') {
    const row = value as Record<string, unknown>;
    return Object.fromEntries(type.fields.map((f) => [f.name, toJson(row[f.name], f.type)]));
  }
  if (type.type === 'array') return [...(value as Iterable<unknown>)].map((v) => toJson(v, type.elementType));
  const entries = [...(value as Iterable<[unknown, unknown]>)];
  return Object.fromEntries(
    entries.map(([k, v]) => [String(toJson(k, type.keyType)), toJson(v, type.valueType)]),
  );
}

/**
 * One value read from a Delta table (as apache-arrow returns it) as a preview cell, by its Delta type: int64
 * and decimals as exact decimal text, timestamps as ISO-8601 UTC, dates as `YYYY-MM-DD`, binary as base64,
 * NaN and ±Infinity as their names, structs, arrays and maps as JSON text (with the same rules inside).
 */
export function toPreviewCell(value: unknown, type: DeltaType): PreviewCell {
  if (value === null || value === undefined) return null;
  if (typeof type === 'string') return scalar(value, type);
  return JSON.stringify(toJson(value, type));
}
