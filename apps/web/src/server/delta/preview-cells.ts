import type { DeltaType } from '@lakestream/delta';
import {
  type Data,
  type DataType,
  DateUnit,
  Field,
  Int32,
  Int64,
  List,
  Map_,
  makeVector,
  Struct,
  TimeUnit,
  Type,
  type Vector,
} from 'apache-arrow';
import { isoDateFromDays, isoTimestampFromMicros } from './iso-time';

/** One cell of a table preview, as JSON carries it. */
export type PreviewCell = string | number | boolean | null;

/** A value as JSON holds it (nested values expanded). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const DECIMAL = /^decimal\((\d+),\s*(\d+)\)$/;

/** `-12345` at scale 2 → `-123.45`. */
function decimalText(unscaled: string, scale: number): string {
  if (scale === 0) return unscaled;
  const negative = unscaled.startsWith('-');
  const digits = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * The Arrow type whose values `get` gives exactly: a µs timestamp as Int64 (its bigint µs, where apache-arrow
 * would give float milliseconds) and a day date as Int32 (its days); nested types with their children so.
 */
function exactType(type: DataType): DataType {
  const field = (f: Field) => new Field(f.name, exactType(f.type), f.nullable, f.metadata);
  switch (type.typeId) {
    case Type.Timestamp:
      return (type as DataType & { unit: TimeUnit }).unit === TimeUnit.MICROSECOND ? new Int64() : type;
    case Type.Date:
      return (type as DataType & { unit: DateUnit }).unit === DateUnit.DAY ? new Int32() : type;
    case Type.Struct:
      return new Struct((type as Struct).children.map(field));
    case Type.List:
      return new List(field((type as List).children[0]!));
    case Type.Map:
      return new Map_(field((type as Map_).children[0]!) as Field<never>, (type as Map_).keysSorted);
    default:
      return type;
  }
}

/** The same data with `exactType`s: the buffers are shared, only the types change. */
function exactData(data: Data): Data {
  return data.clone(
    exactType(data.type),
    data.offset,
    data.length,
    data.nullCount,
    undefined,
    data.children.map(exactData),
  );
}

/**
 * A column as the preview reads it: the same values, but its timestamps (nested ones too) read as bigint µs
 * and its dates as days, so that `toPreviewCell` shows them exactly.
 */
export function exactVector(vector: Vector): Vector {
  return makeVector(vector.data.map(exactData));
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
    case 'date': // days, from `exactVector`
      return isoDateFromDays(value as number);
    case 'timestamp':
    case 'timestamp_ntz': // bigint µs, from `exactVector`
      return isoTimestampFromMicros(value as bigint);
  }
  const decimal = DECIMAL.exec(type);
  if (decimal !== null) return decimalText(String(value), Number(decimal[2]));
  return String(value);
}

/**
 * A value of Delta type `type` (read through `exactVector`) as JSON, with the preview's rules for scalars
 * (see `toPreviewCell`) and nested values expanded: structs as objects, arrays, maps as objects by key.
 */
export function toJson(value: unknown, type: DeltaType): Json {
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
 * One value read from a Delta table (from a column read through `exactVector`: timestamps as bigint µs, dates
 * as days) as a preview cell, by its Delta type: int64 and decimals as exact decimal text, timestamps as
 * exact ISO-8601 UTC (`isoTimestampFromMicros`), dates as `YYYY-MM-DD`, binary as base64, NaN and ±Infinity
 * as their names, structs, arrays and maps as JSON text (with the same rules inside).
 */
export function toPreviewCell(value: unknown, type: DeltaType): PreviewCell {
  if (value === null || value === undefined) return null;
  if (typeof type === 'string') return scalar(value, type);
  return JSON.stringify(toJson(value, type));
}
