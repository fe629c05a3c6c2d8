/**
 * Why a record browse or export was refused, in a sentence for the person who asked. A closed set:
 *
 * - `UNKNOWN_COLUMN`: a filter names a column the table (at that version) does not have.
 * - `UNSUPPORTED_FILTER`: a filter on a nested or binary column, or an operator its type has no meaning for.
 * - `BAD_VALUE`: a filter value that does not parse as the column's type.
 * - `VERSION_NOT_FOUND`: a version newer than the newest, or older than the log still holds.
 * - `BEFORE_FIRST_COMMIT`: a time before the oldest commit still in the log.
 * - `BAD_CURSOR`: a page cursor of another version, or one not made by a browse.
 */
export type RecordsErrorCode =
  | 'UNKNOWN_COLUMN'
  | 'UNSUPPORTED_FILTER'
  | 'BAD_VALUE'
  | 'VERSION_NOT_FOUND'
  | 'BEFORE_FIRST_COMMIT'
  | 'BAD_CURSOR';

/** The one error type of the record browser; `message` is the sentence shown. */
export class RecordsError extends Error {
  override readonly name = 'RecordsError';
  readonly code: RecordsErrorCode;

  constructor(code: RecordsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** True when `error` is a `RecordsError`. */
export function isRecordsError(error: unknown): error is RecordsError {
  return error instanceof RecordsError;
}
