/**
 * Why a Delta operation failed. A closed set: callers (the ingest publisher, the console) switch on it.
 *
 * - `CONFLICT`: another writer won a version and the conflict cannot be resolved by retrying.
 * - `UNSUPPORTED_FEATURE`: the table needs a protocol version or table feature this library does not implement.
 * - `METADATA_CHANGED`: a concurrent commit changed the table's metaData (schema, properties); reload and retry.
 * - `PROTOCOL_CHANGED`: a concurrent commit changed the protocol to one we cannot write.
 * - `TABLE_NOT_FOUND`: no `_delta_log` commits at the location.
 * - `TABLE_EXISTS`: `createTable` found a table already there.
 * - `VERSION_NOT_FOUND`: time travel to a version that does not exist or whose log was cleaned up.
 * - `RETRIES_EXHAUSTED`: every commit attempt lost a race; the log is busy.
 * - `CORRUPT_LOG`: a commit, checkpoint or `_last_checkpoint` that cannot be parsed, or a gap in versions.
 * - `SCHEMA_MISMATCH`: data (or a new schema) does not fit the table's schema.
 * - `INVALID_ARGUMENT`: a caller error (bad option, bad schema, bad action).
 * - `APPEND_ONLY`: a remove on a table with `delta.appendOnly=true`.
 * - `ENCODE_FAILED`: Parquet encoding or statistics failed in a worker.
 * - `POOL_CLOSED`: work submitted to a disposed Parquet pool.
 * - `STORAGE`: the storage adapter failed (I/O error, permissions, missing credentials or container).
 * - `UNSUPPORTED_LOCATION`: a table location that is neither a local path nor an object store we support.
 */
export type DeltaErrorCode =
  | 'CONFLICT'
  | 'UNSUPPORTED_FEATURE'
  | 'METADATA_CHANGED'
  | 'PROTOCOL_CHANGED'
  | 'TABLE_NOT_FOUND'
  | 'TABLE_EXISTS'
  | 'VERSION_NOT_FOUND'
  | 'RETRIES_EXHAUSTED'
  | 'CORRUPT_LOG'
  | 'SCHEMA_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'APPEND_ONLY'
  | 'ENCODE_FAILED'
  | 'POOL_CLOSED'
  | 'STORAGE'
  | 'UNSUPPORTED_LOCATION';

/**
 * The one error type of `@lakestream/delta`. `code` is machine-readable; `message` says in words which table,
 * which version and what to do. `cause` keeps the underlying error (I/O, parse) for logs.
 */
export class DeltaError extends Error {
  override readonly name = 'DeltaError';
  readonly code: DeltaErrorCode;

  constructor(code: DeltaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `err` is a `DeltaError`, optionally with the given code. */
export function isDeltaError(err: unknown, code?: DeltaErrorCode): err is DeltaError {
  return err instanceof DeltaError && (code === undefined || err.code === code);
}
