import { type DataType, type Field, TimeUnit, Type } from 'apache-arrow';
import { SchemaError } from '../errors.js';
import { BoolBuilder } from './bool-builder.js';
import { BytesBuilder } from './bytes-builder.js';
import type { ColumnBuilder } from './column-builder.js';
import { ExactNumber } from './exact-json.js';
import { Int64Builder } from './int64-builder.js';
import {
  checkInt32,
  DIGITS,
  type INT32_RANGES,
  int32FromNumber,
  int64FromDigits,
  int64FromExact,
  int64FromNumber,
} from './integer-values.js';
import { NumberBuilder } from './number-builder.js';
import { parseIsoDate, parseIsoTimestamp } from './temporal-values.js';
import { typeMismatch, ValueFailure } from './value-failure.js';

/** Appends one present, non-null JSON value to a column, or throws a `ValueFailure`. */
export type WriteValue = (value: unknown) => void;

/** A leaf column: its builder, and how a JSON value and (for map keys) a JSON object key go into it. */
export interface ScalarConverter {
  readonly builder: ColumnBuilder;
  readonly write: WriteValue;
}

const EXPECTED = {
  int8: 'a byte (a JSON integer, -128 to 127)',
  int16: 'a short (a JSON integer, -32768 to 32767)',
  int32: 'an int32 (a JSON integer)',
  uint32: 'a uint32 (a JSON integer)',
  int64: 'an int64 (a JSON integer, or a string of decimal digits)',
  uint64: 'a uint64 (a JSON integer, or a string of decimal digits)',
  float: 'a number (or "NaN", "Infinity", "-Infinity")',
  bool: 'a boolean (true or false)',
  utf8: 'a string',
  binary: 'a base64 string (standard or URL-safe alphabet)',
  timestamp: 'a timestamp (integer microseconds since 1970-01-01, or an ISO-8601 string with a zone)',
  date: 'a date (integer days since 1970-01-01, or an ISO-8601 "YYYY-MM-DD" string)',
} as const;

/** Whether every UTF-16 surrogate in `text` is paired, i.e. whether it has a UTF-8 encoding. */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function floatFromString(value: string): number {
  switch (value) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Infinity':
      return Number.NEGATIVE_INFINITY;
    default:
      throw typeMismatch(EXPECTED.float, value);
  }
}

/** An int32/uint32/date column value from a JSON value that must be an integer number. */
function int32FromValue(value: unknown, kind: keyof typeof INT32_RANGES, expected: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return int32FromNumber(value, kind);
  // Beyond ±2^53: out of range, quoted as sent.
  if (value instanceof ExactNumber) checkInt32(value.value, kind, value.source);
  throw typeMismatch(expected, value);
}

function writeInt64(builder: Int64Builder, value: number | bigint): void {
  if (typeof value === 'number') builder.appendSafeInteger(value);
  else builder.appendBigInt(value);
}

function appendUtf8(builder: BytesBuilder, value: string): void {
  if (!isWellFormed(value)) {
    throw new ValueFailure(
      'INVALID_UTF8',
      'the string holds an unpaired UTF-16 surrogate (a lone \\uD800-\\uDFFF escape) and has no UTF-8 form',
    );
  }
  builder.appendString(value);
}

function unsupported(field: Field, path: string): SchemaError {
  return new SchemaError(
    'UNSUPPORTED_FIELD',
    path,
    `the JSON parser does not support the Arrow type ${field.type} of column '${field.name}'`,
  );
}

/**
 * Compiles a leaf column: a builder for the field's Arrow type and the closure that converts a JSON value
 * per the rules of the JSON parser (see `json-parser.ts`). Throws `SchemaError` `UNSUPPORTED_FIELD` for a
 * type outside the set the protobuf parser produces.
 */
export function compileScalar(field: Field, path: string): ScalarConverter {
  const type: DataType = field.type;
  switch (type.typeId) {
    case Type.Float: {
      const builder = new NumberBuilder(field as Field<never>);
      if (type.ArrayType === Float64Array) {
        return {
          builder,
          write: (value) => builder.append(typeof value === 'number' ? value : floatFromValue(value)),
        };
      }
      if (type.ArrayType !== Float32Array) throw unsupported(field, path);
      return {
        builder,
        write: (value) => {
          const number = typeof value === 'number' ? value : floatFromValue(value);
          const single = Math.fround(number);
          if (Number.isFinite(number) && !Number.isFinite(single)) {
            throw new ValueFailure('OUT_OF_RANGE', `${number} is out of range for float32 (±3.4028235e38)`);
          }
          builder.append(single);
        },
      };
    }
    case Type.Int:
      return compileInteger(field, path);
    case Type.Bool: {
      const builder = new BoolBuilder(field as Field<never>);
      return {
        builder,
        write: (value) => {
          if (typeof value !== 'boolean') throw typeMismatch(EXPECTED.bool, value);
          builder.append(value);
        },
      };
    }
    case Type.Utf8: {
      const builder = new BytesBuilder(field as Field<never>);
      return {
        builder,
        write: (value) => {
          if (typeof value !== 'string') throw typeMismatch(EXPECTED.utf8, value);
          appendUtf8(builder, value);
        },
      };
    }
    case Type.Binary: {
      const builder = new BytesBuilder(field as Field<never>);
      return {
        builder,
        write: (value) => {
          if (typeof value !== 'string' || !builder.appendBase64(value))
            throw typeMismatch(EXPECTED.binary, value);
        },
      };
    }
    case Type.Timestamp: {
      if ((type as DataType & { unit: TimeUnit }).unit !== TimeUnit.MICROSECOND)
        throw unsupported(field, path);
      const builder = new Int64Builder(field as Field<never>);
      return { builder, write: (value) => writeTimestamp(builder, value) };
    }
    case Type.Date: {
      if (type.ArrayType !== Int32Array) throw unsupported(field, path);
      const builder = new NumberBuilder(field as Field<never>);
      return { builder, write: (value) => builder.append(dateFromValue(value)) };
    }
    default:
      throw unsupported(field, path);
  }
}

function floatFromValue(value: unknown): number {
  if (typeof value === 'string') return floatFromString(value);
  if (value instanceof ExactNumber) return value.value;
  throw typeMismatch(EXPECTED.float, value);
}

function compileInteger(field: Field, path: string): ScalarConverter {
  const type = field.type as DataType & { bitWidth: number; isSigned: boolean };
  if (type.bitWidth === 32 || (type.isSigned && (type.bitWidth === 16 || type.bitWidth === 8))) {
    const builder = new NumberBuilder(field as Field<never>);
    const kind = !type.isSigned
      ? 'uint32'
      : type.bitWidth === 32
        ? 'int32'
        : type.bitWidth === 16
          ? 'int16'
          : 'int8';
    const expected = EXPECTED[kind];
    return { builder, write: (value) => builder.append(int32FromValue(value, kind, expected)) };
  }
  if (type.bitWidth !== 64) throw unsupported(field, path);
  const builder = new Int64Builder(field as Field<never>);
  const kind = type.isSigned ? 'int64' : 'uint64';
  const expected = EXPECTED[kind];
  return {
    builder,
    write: (value) => {
      if (typeof value === 'number') builder.appendSafeInteger(int64FromNumber(value, kind, expected));
      else if (typeof value === 'string' && DIGITS.test(value))
        writeInt64(builder, int64FromDigits(value, kind));
      else if (value instanceof ExactNumber) builder.appendBigInt(int64FromExact(value, kind, expected));
      else throw typeMismatch(expected, value);
    },
  };
}

function writeTimestamp(builder: Int64Builder, value: unknown): void {
  if (typeof value === 'number') {
    builder.appendSafeInteger(int64FromNumber(value, 'timestamp', EXPECTED.timestamp));
    return;
  }
  if (value instanceof ExactNumber) {
    builder.appendBigInt(int64FromExact(value, 'timestamp', EXPECTED.timestamp));
    return;
  }
  if (typeof value !== 'string') throw typeMismatch(EXPECTED.timestamp, value);
  if (DIGITS.test(value)) {
    writeInt64(builder, int64FromDigits(value, 'timestamp'));
    return;
  }
  const micros = parseIsoTimestamp(value);
  if (typeof micros === 'string') throw typeMismatch(`${EXPECTED.timestamp} (${micros})`, value);
  builder.appendBigInt(micros);
}

function dateFromValue(value: unknown): number {
  if (typeof value === 'number' || value instanceof ExactNumber)
    return int32FromValue(value, 'date', EXPECTED.date);
  if (typeof value !== 'string') throw typeMismatch(EXPECTED.date, value);
  const days = parseIsoDate(value);
  if (typeof days === 'string') throw typeMismatch(`${EXPECTED.date} (${days})`, value);
  return days;
}

/** Appends one JSON object key, converted to the map's key type, or throws a `ValueFailure`. */
export type WriteKey = (key: string) => void;

/**
 * Compiles the converter of a map's key column. JSON object keys are always strings, so keys of an integer
 * type are parsed from decimal digits and bool keys from "true"/"false" (the proto3 JSON mapping).
 */
export function compileMapKey(field: Field, path: string): { builder: ColumnBuilder; write: WriteKey } {
  const type = field.type as DataType & { bitWidth?: number; isSigned?: boolean };
  switch (type.typeId) {
    case Type.Utf8: {
      const builder = new BytesBuilder(field as Field<never>);
      return { builder, write: (text) => appendUtf8(builder, text) };
    }
    case Type.Bool: {
      const builder = new BoolBuilder(field as Field<never>);
      return {
        builder,
        write: (text) => {
          if (text !== 'true' && text !== 'false') throw keyMismatch('"true" or "false"', text);
          builder.append(text === 'true');
        },
      };
    }
    case Type.Int: {
      const kind64 = type.isSigned ? 'int64' : 'uint64';
      const kind32 = type.isSigned ? 'int32' : 'uint32';
      if (type.bitWidth === 32) {
        const builder = new NumberBuilder(field as Field<never>);
        return {
          builder,
          write: (text) => {
            if (!DIGITS.test(text)) throw keyMismatch(`decimal digits for ${kind32}`, text);
            const value = Number(text);
            checkInt32(value, kind32, text);
            builder.append(value);
          },
        };
      }
      if (type.bitWidth !== 64) throw unsupported(field, path);
      const builder = new Int64Builder(field as Field<never>);
      return {
        builder,
        write: (text) => {
          if (!DIGITS.test(text)) throw keyMismatch(`decimal digits for ${kind64}`, text);
          writeInt64(builder, int64FromDigits(text, kind64));
        },
      };
    }
    default:
      throw new SchemaError(
        'UNSUPPORTED_FIELD',
        path,
        `map keys of Arrow type ${field.type} cannot come from JSON object keys (use string, integer or bool keys)`,
      );
  }
}

function keyMismatch(expected: string, key: string): ValueFailure {
  const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  return new ValueFailure(
    'TYPE_MISMATCH',
    `expected a map key of ${expected}, found the key ${JSON.stringify(shown)}`,
  );
}
