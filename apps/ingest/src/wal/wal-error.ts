/**
 * Why the write-ahead log failed. A closed set of codes:
 * - `CORRUPT`: a segment holds a bad frame or header where a crash cannot have left one (not the tail of the
 *   last segment), or segments do not follow each other; acked data may be damaged, so the WAL refuses to open
 *   rather than silently drop it. The message names the file and byte offset.
 * - `IO`: the disk failed (write, fsync, open, read). After an `IO` error on write or fsync the WAL is
 *   poisoned: every pending and later append rejects with it (an ack never follows a failed fsync).
 * - `CLOSED`: the WAL was closed (or is closing) before the call.
 */
export type WalErrorCode = 'CORRUPT' | 'IO' | 'CLOSED';

/** A WAL failure with a code, a message in words, and (when it is about a place on disk) the file and offset. */
export class WalError extends Error {
  override readonly name = 'WalError';
  constructor(
    readonly code: WalErrorCode,
    message: string,
    options?: { cause?: unknown; file?: string; offset?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.file = options?.file;
    this.offset = options?.offset;
  }
  /** The segment (or directory) the error is about, when there is one. */
  readonly file: string | undefined;
  /** The byte offset in `file` the error is about, when there is one. */
  readonly offset: number | undefined;
}

/** Whether `error` is a `WalError` (of `code`, when given). */
export function isWalError(error: unknown, code?: WalErrorCode): error is WalError {
  return error instanceof WalError && (code === undefined || error.code === code);
}

/** Wraps a Node system error of `operation` on `file` (at `offset`, when known) as an `IO` `WalError`; the
 * cause keeps the errno details. */
export function ioError(operation: string, file: string, cause: unknown, offset?: number): WalError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const where = offset === undefined ? file : `${file} at offset ${offset}`;
  return new WalError('IO', `WAL ${operation} failed on ${where}: ${detail}`, {
    cause,
    file,
    ...(offset === undefined ? {} : { offset }),
  });
}
