import { RecordBatch, type Schema } from 'apache-arrow';
import { DecodeError } from '../errors.js';
import { DEFAULT_MAX_RECORD_BYTES, DEFAULT_RECURSION_LIMIT, type JsonParserOptions } from '../options.js';
import { findInvalidUtf8 } from '../wire/utf8.js';
import { compileByteScanner } from './byte-scanner.js';
import { compileRecordPlan } from './compile-plan.js';
import { NEEDS_EXACT_NUMBERS, parseJsonExactly } from './exact-json.js';
import { describeValue, ValueFailure } from './value-failure.js';

/** Decodes batches of Zerobus JSON records into Arrow record batches of one schema. */
export interface JsonParser {
  /** The schema of every batch this parser returns (the one it was created with). */
  readonly schema: Schema;
  /**
   * Decodes every record into one row of a batch of `records.length` rows. Throws the `DecodeError` of the
   * first bad record (Zerobus batches are all-or-nothing); the parser stays usable afterwards.
   */
  decodeBatch(records: readonly string[]): RecordBatch;
  /**
   * Decodes what it can: bad records are left out of `batch` (the good ones keep their order), and
   * `errors` holds one `DecodeError` per bad record, in record order, each with its index in `records`.
   */
  decodeBatchSettled(records: readonly string[]): { batch: RecordBatch; errors: DecodeError[] };
  /**
   * `decodeBatch` of records given as their UTF-8 bytes (what a Zerobus request carries), the same rows and
   * the same errors as `decodeBatch` of their strict UTF-8 decoding, without making the strings: most
   * records are decoded straight from their bytes (see `stats`), the others take the text path. A record
   * that is not well-formed UTF-8 fails `INVALID_UTF8` at the offset of its first bad byte. The bytes are
   * read during the call only (the batch holds copies).
   */
  decodeBatchBytes(records: readonly Uint8Array[]): RecordBatch;
  /** `decodeBatchSettled` of records given as their UTF-8 bytes (see `decodeBatchBytes`). */
  decodeBatchBytesSettled(records: readonly Uint8Array[]): { batch: RecordBatch; errors: DecodeError[] };
  /**
   * How the records given as bytes were decoded since the parser was created (live counters): `fast`,
   * straight from their bytes; `fallback`, through the text path (`JSON.parse`), which every record the
   * byte scanner does not handle takes: escapes it cannot prove, unknown or repeated keys, bad records.
   */
  readonly stats: JsonParserStats;
}

/** Counts of the records `decodeBatchBytes` decoded from their bytes (`fast`) and from their text (`fallback`). */
export interface JsonParserStats {
  fast: number;
  fallback: number;
}

/** Strict UTF-8, as the ingest node decodes a record (a leading byte-order mark is dropped). */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** V8's `JSON.parse` messages name the offending character's position, when they know it. */
const POSITION = /at position (\d+)/;

function invalidJson(error: unknown, text: string, recordIndex: number): DecodeError {
  const message = error instanceof Error ? error.message : String(error);
  const position = POSITION.exec(message);
  const offset =
    position !== null ? Number(position[1]) : message.includes('end of JSON input') ? text.length : -1;
  return new DecodeError('INVALID_JSON', recordIndex, '', offset, `not valid JSON: ${message}`);
}

/** The `DecodeError` of record `index` for what its walk threw; anything but a `ValueFailure` is a bug. */
function failure(error: unknown, index: number): DecodeError {
  if (error instanceof ValueFailure) return new DecodeError(error.code, index, error.path, -1, error.detail);
  throw error === NEEDS_EXACT_NUMBERS ? new Error('a number was inexact after parseJsonExactly') : error;
}

/**
 * Creates a parser of JSON records (the Zerobus `JSON` record type: one JSON object per record, its keys
 * the column names) into `RecordBatch`es with exactly `schema`, the schema the protobuf parser produces for
 * the same table. The schema is compiled once; each record is `JSON.parse`d and walked by the compiled plan
 * into typed-array column builders. A bad record never affects the others: its rows are truncated away.
 * Numbers are exact: a record whose integer column meets a number `JSON.parse` may have rounded (an integer
 * at or beyond ±2^53) is walked again from `parseJsonExactly`, which keeps such numbers as sent. Records
 * given as bytes (`decodeBatchBytes`) are first tried by a byte scanner (`byte-scanner.ts`) that writes
 * into the same builders through the same converters without `JSON.parse`; any record it cannot prove it
 * decodes identically is truncated away and decoded from its text as above, so the rules below, and every
 * error, are the text path's.
 *
 * | Arrow type | accepted JSON | fails with |
 * |---|---|---|
 * | Int32, Uint32 | an integer number in range | `TYPE_MISMATCH` (not an integer, a string), `OUT_OF_RANGE` |
 * | Int64, Uint64 | an integer number, exact at any size (what Python, Go and Java send); a string of decimal digits (`"-12"`, proto3 JSON), exact | `OUT_OF_RANGE` (beyond 64 bits, quoting the number as sent), `TYPE_MISMATCH` |
 * | Float64, Float32 | a number; the strings `"NaN"`, `"Infinity"`, `"-Infinity"` | `TYPE_MISMATCH`, `OUT_OF_RANGE` (finite but beyond float32) |
 * | Bool | `true`, `false` | `TYPE_MISMATCH` |
 * | Utf8 | a string | `TYPE_MISMATCH`, `INVALID_UTF8` (an unpaired surrogate escape such as `"\ud800"`) |
 * | Binary | a base64 string, standard (`+/`) or URL-safe (`-_`) alphabet, padding optional | `TYPE_MISMATCH` (not a string, not base64) |
 * | Timestamp(µs, "UTC") | integer microseconds since 1970-01-01T00:00Z (number or digit string, as Int64); an ISO-8601 / RFC 3339 string with a zone, `2024-05-01T12:30:00.123456+02:00` (`Z`, `±hh:mm`; digits after the 6th fractional one are truncated) | `TYPE_MISMATCH` (no zone, not a date-time), `OUT_OF_RANGE` |
 * | DateDay | integer days since 1970-01-01 (a number); `"YYYY-MM-DD"` | `TYPE_MISMATCH`, `OUT_OF_RANGE` |
 * | Struct | a JSON object, keys are the child names | `TYPE_MISMATCH` |
 * | List | a JSON array; null elements only if the element field is nullable | `TYPE_MISMATCH` (not an array; a null element) |
 * | Map | a JSON object; each key converted to the key type (Utf8: as is; Int32/Uint32/Int64/Uint64: decimal digits; Bool: `"true"`/`"false"`), entries in the object's key order | `TYPE_MISMATCH` (bad key, a null value for a non-nullable value field) |
 *
 * Null and absence (a key missing from its object): a nullable field becomes null; a non-nullable List or
 * Map becomes empty; any other non-nullable field fails `MISSING_REQUIRED` naming it. A key that is not a
 * column fails `UNKNOWN_FIELD` (option `unknownFields: 'reject'`, the default) or is skipped (`'ignore'`).
 * Whole records: text that is not JSON fails `INVALID_JSON` (with the character offset when `JSON.parse`
 * gives one); JSON that is not an object, `TYPE_MISMATCH`; text longer than `maxRecordBytes` UTF-16 units
 * (default 10 MiB), `RECORD_TOO_LARGE`; a struct, list or map nested deeper than `recursionLimit` (default
 * 100; the record object is depth 1, and only the containers the schema walks into count), `RECURSION_LIMIT`.
 *
 * Every `DecodeError` has the record's index in the batch, the field path (`aperture[3].mag`,
 * `tags["k"]`, `""` for the record) and, for everything but `INVALID_JSON`, `byteOffset` -1 (the JSON
 * parser does not report where a value was). As in any JS object, JSON keys that are array indexes
 * (`"7"`) come first in a map, in ascending order, and a key repeated in one object keeps its last value.
 *
 * Throws `SchemaError` (`UNSUPPORTED_FIELD`) for a type outside the table, or two columns of one name; and
 * `RangeError` for a limit that is not a positive integer.
 */
export function createJsonParser(schema: Schema, options: JsonParserOptions = {}): JsonParser {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const recursionLimit = options.recursionLimit ?? DEFAULT_RECURSION_LIMIT;
  for (const [name, limit] of [
    ['maxRecordBytes', maxRecordBytes],
    ['recursionLimit', recursionLimit],
  ] as const) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`option ${name} must be a positive integer, not ${limit}`);
    }
  }
  const plan = compileRecordPlan(schema.fields, {
    unknownFields: options.unknownFields ?? 'reject',
    recursionLimit,
  });
  const root = plan.root;
  const scanBytes = compileByteScanner(schema.fields, plan);
  const stats: JsonParserStats = { fast: 0, fallback: 0 };

  /** Appends record `index` as a row, or returns why it cannot be one (having appended nothing). */
  const decodeRecord = (text: string, index: number): DecodeError | undefined => {
    if (typeof text !== 'string') {
      return new DecodeError(
        'TYPE_MISMATCH',
        index,
        '',
        -1,
        `expected JSON text, found ${describeValue(text)}`,
      );
    }
    if (text.length > maxRecordBytes) {
      return new DecodeError(
        'RECORD_TOO_LARGE',
        index,
        '',
        -1,
        `the record is ${text.length} characters long, over the limit of ${maxRecordBytes} (option maxRecordBytes)`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return invalidJson(error, text, index);
    }
    const rowsBefore = root.length;
    try {
      plan.writeRecord(value);
      return undefined;
    } catch (error) {
      root.truncate(rowsBefore);
      if (error !== NEEDS_EXACT_NUMBERS) return failure(error, index);
    }
    // A number beyond ±2^53 met a column that needs it exactly: again, with every such number as sent.
    try {
      plan.writeRecord(parseJsonExactly(text));
      return undefined;
    } catch (error) {
      root.truncate(rowsBefore);
      return failure(error, index);
    }
  };

  /** `decodeRecord` of the record's bytes: from the bytes when the scanner can, else from their text. */
  const decodeRecordBytes = (bytes: Uint8Array, index: number): DecodeError | undefined => {
    if (!(bytes instanceof Uint8Array)) {
      return new DecodeError(
        'TYPE_MISMATCH',
        index,
        '',
        -1,
        `expected JSON bytes (a Uint8Array), found ${describeValue(bytes)}`,
      );
    }
    const rowsBefore = root.length;
    // A string's UTF-16 length is at most its UTF-8 length: within the limit in bytes, within it in text.
    if (bytes.length <= maxRecordBytes && scanBytes(bytes)) {
      stats.fast++;
      return undefined;
    }
    root.truncate(rowsBefore);
    stats.fallback++;
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      const offset = findInvalidUtf8(bytes, 0, bytes.length);
      return new DecodeError(
        'INVALID_UTF8',
        index,
        '',
        offset,
        `the record is not well-formed UTF-8 (from byte ${offset})`,
      );
    }
    return decodeRecord(text, index);
  };

  const decode = <R>(
    records: readonly R[],
    settled: boolean,
    decodeOne: (record: R, index: number) => DecodeError | undefined,
  ) => {
    const errors: DecodeError[] = [];
    try {
      for (let index = 0; index < records.length; index++) {
        const error = decodeOne(records[index]!, index);
        if (error === undefined) continue;
        if (!settled) throw error;
        errors.push(error);
      }
    } catch (error) {
      root.truncate(0);
      throw error;
    }
    return { batch: new RecordBatch(schema, root.finish()), errors };
  };

  return {
    schema,
    stats,
    decodeBatch: (records) => decode(records, false, decodeRecord).batch,
    decodeBatchSettled: (records) => decode(records, true, decodeRecord),
    decodeBatchBytes: (records) => decode(records, false, decodeRecordBytes).batch,
    decodeBatchBytesSettled: (records) => decode(records, true, decodeRecordBytes),
  };
}
