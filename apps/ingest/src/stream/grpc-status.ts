import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { type IngestErrorCode, isIngestError } from '../base/errors.js';

const CODES: Record<IngestErrorCode, status> = {
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  NOT_FOUND: status.NOT_FOUND,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  OUT_OF_RANGE: status.OUT_OF_RANGE,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  UNAVAILABLE: status.UNAVAILABLE,
  ABORTED: status.ABORTED,
  INTERNAL: status.INTERNAL,
};

/** A gRPC status with its details, as a call ends with it. */
export interface CallStatus {
  readonly code: status;
  readonly details: string;
}

/**
 * The one place an error becomes a gRPC status. An `IngestError` keeps its code and words; anything else is
 * an internal fault: the client gets `INTERNAL` with a fixed message (the cause goes to the log).
 */
export function toGrpcStatus(error: unknown): CallStatus {
  if (isIngestError(error)) return { code: CODES[error.code], details: error.message };
  return { code: status.INTERNAL, details: 'internal error in the ingest node; see its log' };
}

/** A `ServiceError` for `callback(err)` / `call.emit('error', err)` of grpc-js. */
export function toServiceError(s: CallStatus): Partial<ServiceError> & Error {
  return Object.assign(new Error(s.details), { code: s.code, details: s.details, metadata: new Metadata() });
}
