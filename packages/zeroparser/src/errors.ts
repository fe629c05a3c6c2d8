/**
 * Why a record could not be decoded. A closed set: callers (the ingest service, tests) switch on it.
 *
 * Protobuf wire errors: `TRUNCATED`, `INVALID_WIRE_TYPE`, `WIRE_TYPE_MISMATCH`, `VARINT_TOO_LONG`,
 * `LENGTH_OUT_OF_BOUNDS`, `INVALID_UTF8`, `RECURSION_LIMIT`, `RECORD_TOO_LARGE`, `MISSING_REQUIRED`.
 * JSON errors: `INVALID_JSON`, `TYPE_MISMATCH`, `UNKNOWN_FIELD`, `OUT_OF_RANGE` (and `MISSING_REQUIRED`,
 * `INVALID_UTF8`, `RECORD_TOO_LARGE`, `RECURSION_LIMIT`, shared with protobuf).
 */
export type DecodeErrorCode =
  | 'TRUNCATED'
  | 'INVALID_WIRE_TYPE'
  | 'WIRE_TYPE_MISMATCH'
  | 'VARINT_TOO_LONG'
  | 'LENGTH_OUT_OF_BOUNDS'
  | 'INVALID_UTF8'
  | 'RECURSION_LIMIT'
  | 'RECORD_TOO_LARGE'
  | 'MISSING_REQUIRED'
  | 'INVALID_JSON'
  | 'TYPE_MISMATCH'
  | 'UNKNOWN_FIELD'
  | 'OUT_OF_RANGE';

/**
 * One record of a batch could not be decoded.
 *
 * `recordIndex` is the record's index in the batch passed to `decodeBatch`; `fieldPath` names the field in
 * dotted form with list indexes (`aperture[3].mag`, `""` for the record itself); `byteOffset` is the offset
 * from the start of the record where the problem was found (for JSON: the character offset, or -1 when the
 * JSON parser cannot tell). The message repeats all three in words, so it can go to a producer unchanged.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly code: DecodeErrorCode,
    readonly recordIndex: number,
    readonly fieldPath: string,
    readonly byteOffset: number,
    readonly detail: string,
  ) {
    super(
      `record ${recordIndex}${fieldPath === '' ? '' : `, field '${fieldPath}'`}` +
        `${byteOffset >= 0 ? `, byte ${byteOffset}` : ''}: ${detail} (${code})`,
    );
  }
}

/** Why a descriptor or schema could not be compiled into a parser. */
export type SchemaErrorCode =
  | 'INVALID_DESCRIPTOR'
  | 'MESSAGE_NOT_FOUND'
  | 'UNRESOLVED_TYPE'
  | 'RECURSIVE_TYPE'
  | 'UNSUPPORTED_FIELD'
  | 'TABLE_SCHEMA_MISMATCH'
  | 'UNKNOWN_COLUMN'
  | 'RECURSION_LIMIT';

/**
 * A descriptor (or JSON schema) that cannot become a parser: malformed bytes, a type reference that does
 * not resolve, a recursive message (Arrow schemas are finite), a group field, or a field whose type does not
 * fit the table schema passed as an option. `fieldPath` names the field (`""` when it is the whole message).
 */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  constructor(
    readonly code: SchemaErrorCode,
    readonly fieldPath: string,
    readonly detail: string,
  ) {
    super(`${fieldPath === '' ? '' : `field '${fieldPath}': `}${detail} (${code})`);
  }
}
