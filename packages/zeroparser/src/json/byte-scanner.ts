import { isUtf8 } from 'node:buffer';
import { type Field, Type } from 'apache-arrow';
import type { BytesBuilder } from './bytes-builder.js';
import type { ColumnConverter, RecordPlan } from './compile-plan.js';
import { NEEDS_EXACT_NUMBERS, parseJsonExactly } from './exact-json.js';
import { type NumberToken, readNumber } from './json-number.js';
import { unescapeJsonString } from './string-escapes.js';

/**
 * Appends one JSON record, given as its UTF-8 bytes, as a row of the plan's builders and returns true; or
 * returns false ("bail") for anything it does not prove it decodes exactly as `JSON.parse` and the plan
 * would, having possibly appended part of a row (the caller truncates it and takes the text path).
 */
export type ByteScanner = (record: Uint8Array) => boolean;

/** How the scanner hands a column its values (`ScanColumn.kind`). */
const Kind = {
  /** Utf8: a string's bytes go straight into the `BytesBuilder`. */
  Utf8: 0,
  /** Int64, Uint64, Timestamp: an integer of more than 15 digits goes to the converter as its digit string. */
  Integer64: 1,
  /** Struct, List, Map: the value's text is `JSON.parse`d on its own and handed to the converter. */
  Nested: 2,
  /** Every other scalar: JS values (number, boolean, string) through the converter. */
  Scalar: 3,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface ScanColumn {
  /** The column name's UTF-8 bytes. */
  readonly name: Uint8Array;
  /**
   * The name as a JSON key is sent without escapes, quotes included (`"name"`); undefined when the name
   * holds a byte JSON must escape (`"`, `\`, a control byte), which no key can match as it is.
   */
  readonly quoted: Uint8Array | undefined;
  readonly converter: ColumnConverter;
  readonly kind: Kind;
}

function quotedName(name: Uint8Array): Uint8Array | undefined {
  if (name.some((byte) => byte === 34 || byte === 92 || byte < 0x20)) return undefined;
  const quoted = new Uint8Array(name.length + 2);
  quoted.set(name, 1);
  quoted[0] = 34;
  quoted[name.length + 1] = 34;
  return quoted;
}

function kindOf(field: Field): Kind {
  switch (field.type.typeId) {
    case Type.Utf8:
      return Kind.Utf8;
    case Type.Int:
      return field.type.bitWidth === 64 ? Kind.Integer64 : Kind.Scalar;
    case Type.Timestamp:
      return Kind.Integer64;
    case Type.Struct:
    case Type.List:
    case Type.Map:
      return Kind.Nested;
    default:
      return Kind.Scalar;
  }
}

/** How many columns from the expected one a key is compared with before the lookup by name. */
const LOOK_AHEAD = 8;
/** Digit strings of at most this many digits are safe integers (`shortInteger`). */
const EXACT_DIGITS = 15;

const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** A JS string of `bytes[start, end)`, which hold only ASCII when `ascii` (then no decoder is needed). */
function text(bytes: Uint8Array, start: number, end: number, ascii: boolean): string {
  if (!ascii || end - start > 64) return utf8.decode(bytes.subarray(start, end));
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
}

/**
 * The value of `bytes[start, end)` when it is decimal digits with an optional minus sign, at most
 * `EXACT_DIGITS` of them (so `Number` of the text is exact: this is that value, -0 for `-0`); else NaN.
 */
function shortInteger(bytes: Uint8Array, start: number, end: number): number {
  const negative = bytes[start] === 45;
  const first = negative ? start + 1 : start;
  if (end === first || end - first > EXACT_DIGITS) return Number.NaN;
  let value = 0;
  for (let i = first; i < end; i++) {
    const digit = bytes[i]! - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

function isWhitespace(byte: number): boolean {
  return byte === 32 || byte === 10 || byte === 13 || byte === 9;
}

function skipWhitespace(bytes: Uint8Array, at: number): number {
  while (isWhitespace(bytes[at]!)) at++;
  return at;
}

function isDigit(byte: number): boolean {
  return byte >= 48 && byte <= 57;
}

/** Whether `bytes[at, at + word.length)` is `word` (ASCII). */
function matches(bytes: Uint8Array, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (bytes[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** The index just past the array or object that opens at `at`: brackets balanced, strings skipped; or -1. */
function containerEnd(bytes: Uint8Array, at: number): number {
  let depth = 0;
  for (let i = at; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 34) {
      for (i++; i < bytes.length && bytes[i] !== 34; i++) if (bytes[i] === 92) i++;
    } else if (byte === 91 || byte === 123) {
      depth++;
    } else if (byte === 93 || byte === 125) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * Compiles the byte scanner of a plan's record (see `ByteScanner`): one pass over the record's bytes, keys
 * matched against the column names' bytes (the column after the previous key first: producers send keys in
 * schema order), values written through the plan's own converters, so ranges, types and conversions stay
 * theirs. It decodes natively: whitespace, a flat object of string keys, `null`, `true`,
 * `false`, numbers (`readNumber`: the double `JSON.parse` gives), strings (a Utf8
 * column's bytes copied from the record; escapes decoded as `JSON.parse` does; an integer beyond 2^53
 * goes to a 64-bit column as its digits). A Struct, List or Map value is `JSON.parse`d on its own (and
 * `parseJsonExactly`d when it must be). It bails on: bytes that are not UTF-8, a key not in the schema or
 * seen twice, a missing required column, an unpaired surrogate escape, anything `JSON.parse` would
 * refuse, and any exception a converter throws (`ValueFailure`, `NEEDS_EXACT_NUMBERS`).
 */
export function compileByteScanner(fields: readonly Field[], plan: RecordPlan): ByteScanner {
  const columns: ScanColumn[] = fields.map((field, index) => {
    const name = encoder.encode(field.name);
    return { name, quoted: quotedName(name), converter: plan.columns[index]!, kind: kindOf(field) };
  });
  const indexByName = new Map(fields.map((field, index) => [field.name, index]));
  const stamps = new Float64Array(columns.length);
  let generation = 0;
  let scratch = new Uint8Array(256);

  /** Whether column `index` is named `bytes[start, end)`. */
  const isNamed = (index: number, bytes: Uint8Array, start: number, end: number): boolean => {
    const name = columns[index]!.name;
    if (name.length !== end - start) return false;
    for (let i = 0; i < name.length; i++) if (name[i] !== bytes[start + i]) return false;
    return true;
  };

  /**
   * The index of the column named `bytes[start, end)`, or -1. Producers send keys in schema order, leaving
   * out some (proto3 JSON omits default values): the few columns from `expected` on are tried first.
   */
  const columnIndex = (bytes: Uint8Array, start: number, end: number, expected: number): number => {
    const last = Math.min(expected + LOOK_AHEAD, columns.length);
    for (let index = expected; index < last; index++) if (isNamed(index, bytes, start, end)) return index;
    return indexByName.get(text(bytes, start, end, false)) ?? -1;
  };

  const token: NumberToken = { end: 0, value: 0, longInteger: false };

  /** Writes the number at `at` into `column`; returns the index past it, or -1. */
  const writeNumber = (bytes: Uint8Array, at: number, column: ScanColumn): number => {
    if (!readNumber(bytes, at, token)) return -1;
    if (!token.longInteger) {
      column.converter.write(token.value, 2);
    } else {
      const digits = text(bytes, at, token.end, true);
      // Beyond 2^53 a double may round it: a 64-bit column takes such an integer exactly, as a digit string.
      column.converter.write(column.kind === Kind.Integer64 ? digits : Number(digits), 2);
    }
    return token.end;
  };

  // What `stringEnd` saw of the string it scanned last.
  let stringEscaped = false;
  let stringAscii = true;

  /** The index of the closing quote of the string that opens at `at`, or -1 (a raw control byte, no end). */
  const stringEnd = (bytes: Uint8Array, at: number): number => {
    let end = at + 1;
    let high = 0;
    let escaped = false;
    for (;;) {
      const byte = bytes[end];
      if (byte === 34) break;
      if (byte === undefined || byte < 0x20) return -1;
      if (byte === 92) {
        escaped = true;
        end++;
      }
      high |= byte;
      end++;
    }
    stringEscaped = escaped;
    stringAscii = high < 0x80;
    return end;
  };

  /** The body of the string just scanned, `bytes[start, end)`, with its escapes decoded into `scratch`. */
  const unescaped = (bytes: Uint8Array, start: number, end: number): number => {
    if (scratch.length < end - start) scratch = new Uint8Array(2 * (end - start));
    return unescapeJsonString(bytes, start, end, scratch);
  };

  /** Writes the string whose opening quote is at `at` into `column`; returns the index past it, or -1. */
  const writeString = (bytes: Uint8Array, at: number, column: ScanColumn): number => {
    const end = stringEnd(bytes, at);
    if (end < 0) return -1;
    let source = bytes;
    let from = at + 1;
    let to = end;
    if (stringEscaped) {
      to = unescaped(bytes, from, end);
      if (to < 0) return -1;
      source = scratch;
      from = 0;
    }
    if (column.kind === Kind.Utf8) {
      (column.converter.builder as BytesBuilder).appendBytes(source, from, to);
      return end + 1;
    }
    if (column.kind === Kind.Integer64) {
      // A 64-bit column takes the digit string of a safe integer as it takes the number: no string needed.
      const value = shortInteger(source, from, to);
      if (!Number.isNaN(value)) {
        column.converter.write(value, 2);
        return end + 1;
      }
    }
    column.converter.write(text(source, from, to, !stringEscaped && stringAscii), 2);
    return end + 1;
  };

  /**
   * Writes a Struct, List or Map value from its JSON text, as the text path would: again from
   * `parseJsonExactly` when an integer column in it needs a number `JSON.parse` may have rounded.
   */
  const writeNested = (column: ScanColumn, json: string): void => {
    try {
      column.converter.write(JSON.parse(json), 2);
    } catch (error) {
      if (error !== NEEDS_EXACT_NUMBERS) throw error;
      // The column had a row for every row of the record before this one.
      column.converter.builder.truncate(plan.root.length);
      column.converter.write(parseJsonExactly(json), 2);
    }
  };

  /** Writes the value at `at` (not whitespace) into `column`; returns the index past it, or -1. */
  const writeValue = (bytes: Uint8Array, at: number, column: ScanColumn): number => {
    const byte = bytes[at]!;
    const converter = column.converter;
    if (byte === 34) return column.kind === Kind.Nested ? -1 : writeString(bytes, at, column);
    if (byte === 45 || isDigit(byte))
      return column.kind === Kind.Nested ? -1 : writeNumber(bytes, at, column);
    if (byte === 91 || byte === 123) {
      if (column.kind !== Kind.Nested) return -1;
      const end = containerEnd(bytes, at);
      if (end < 0) return -1;
      writeNested(column, text(bytes, at, end, false));
      return end;
    }
    if (byte === 110 && matches(bytes, at, 'null')) {
      if (!converter.acceptsAbsent) return -1;
      converter.builder.appendNull();
      return at + 4;
    }
    if (byte === 116 && matches(bytes, at, 'true')) {
      converter.write(true, 2);
      return at + 4;
    }
    if (byte === 102 && matches(bytes, at, 'false')) {
      converter.write(false, 2);
      return at + 5;
    }
    return -1;
  };

  /** Where the key `key` read last ends (the index past its closing quote). */
  let keyEnd = 0;

  /**
   * The index of the column named by the key that opens at `at` (a `"` is expected there), or -1. Most
   * keys are the expected column's name exactly as `quoted`: compared in place, with no scan of their own.
   */
  const key = (bytes: Uint8Array, at: number, expected: number): number => {
    const quoted = columns[expected]?.quoted;
    if (quoted !== undefined && bytes[at + quoted.length - 1] === 34) {
      let i = 0;
      while (i < quoted.length && quoted[i] === bytes[at + i]) i++;
      if (i === quoted.length) {
        keyEnd = at + i;
        return expected;
      }
    }
    if (bytes[at] !== 34) return -1;
    const end = stringEnd(bytes, at);
    if (end < 0) return -1;
    keyEnd = end + 1;
    if (!stringEscaped) return columnIndex(bytes, at + 1, end, expected);
    const length = unescaped(bytes, at + 1, end);
    return length < 0 ? -1 : columnIndex(scratch, 0, length, expected);
  };

  /** The record's object: `{`, key-value pairs, `}`, then nothing but whitespace. */
  const scanObject = (bytes: Uint8Array): boolean => {
    const stamp = ++generation;
    let seen = 0;
    let expected = 0;
    let at = skipWhitespace(bytes, 0);
    if (bytes[at] !== 123) return false;
    at = skipWhitespace(bytes, at + 1);
    if (bytes[at] !== 125) {
      for (;;) {
        const index = key(bytes, at, expected);
        if (index < 0 || stamps[index] === stamp) return false;
        stamps[index] = stamp;
        seen++;
        expected = index + 1;
        at = skipWhitespace(bytes, keyEnd);
        if (bytes[at] !== 58) return false;
        at = writeValue(bytes, skipWhitespace(bytes, at + 1), columns[index]!);
        if (at < 0) return false;
        at = skipWhitespace(bytes, at);
        if (bytes[at] === 125) break;
        if (bytes[at] !== 44) return false;
        at = skipWhitespace(bytes, at + 1);
      }
    }
    if (skipWhitespace(bytes, at + 1) !== bytes.length) return false;
    if (seen < columns.length) {
      for (let index = 0; index < columns.length; index++) {
        if (stamps[index] === stamp) continue;
        const converter = columns[index]!.converter;
        if (!converter.acceptsAbsent) return false;
        converter.builder.appendNull();
      }
    }
    plan.root.appendValid();
    return true;
  };

  return (record) => {
    if (!isUtf8(record)) return false;
    try {
      return scanObject(record);
    } catch {
      return false;
    }
  };
}
