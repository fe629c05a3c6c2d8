/**
 * Why the ingest service refused or ended a call. The codes are gRPC status names: the mapping to a status
 * happens once, at the edge (`toGrpcStatus`); messages are written for the producer (which table, which
 * offset, which field, what to do), internal causes go to the log only.
 */
export type IngestErrorCode =
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'OUT_OF_RANGE'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE'
  | 'ABORTED'
  | 'INTERNAL';

/** A refusal with a code and a message in words. `cause` is logged, never sent. */
export class IngestError extends Error {
  override readonly name = 'IngestError';
  constructor(
    readonly code: IngestErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `error` is an `IngestError` (of `code`, when given). */
export function isIngestError(error: unknown, code?: IngestErrorCode): error is IngestError {
  return error instanceof IngestError && (code === undefined || error.code === code);
}
