import { status as grpcStatus, type Metadata } from '@grpc/grpc-js';
import { isIngestError } from '../base/errors.js';
import type { Log } from '../base/log.js';
import { toGrpcStatus, toServiceError } from './grpc-status.js';

/** The part of a grpc-js streaming call that ending it needs. */
export interface EndableCall {
  readonly cancelled: boolean;
  emit(event: 'error', error: Error): boolean;
}

/**
 * Ends a streaming call with the status of `err` (see `toGrpcStatus`): logged with `fields` (the cause of an
 * internal fault goes to the log only), counted by status code, and sent unless the client already cancelled.
 * `what` names the call in the log ("stream", "flight DoPut").
 */
export function endCallWithError(
  call: EndableCall,
  err: unknown,
  what: string,
  fields: Record<string, unknown>,
  log: Log,
  errors: { inc(labels: { code: string }, value: number): void } | undefined,
): void {
  const status = toGrpcStatus(err);
  const logged = { ...fields, code: status.code, details: status.details };
  if (call.cancelled) log.debug(logged, `${what} cancelled by the client`);
  else if (isIngestError(err)) log.info(logged, `${what} ended with an error`);
  else log.error({ ...logged, err }, `${what} failed`);
  if (call.cancelled) return;
  errors?.inc({ code: grpcStatus[status.code] ?? String(status.code) }, 1);
  call.emit('error', toServiceError(status));
}

/** A request header's first value as text (binary values decoded as UTF-8). */
export function readHeader(metadata: Metadata, name: string): string | undefined {
  const value = metadata.get(name)[0];
  return typeof value === 'string' ? value : value?.toString('utf8');
}
