/** Helpers for calls to ingest nodes' admin API (provisioning, stream sampling). */

/** A failed admin call in words: the gRPC status details when there are any, else the error's message. */
export function describeAdminError(error: unknown): string {
  const e = error as { details?: unknown; message?: unknown };
  if (typeof e.details === 'string' && e.details !== '') return e.details;
  return error instanceof Error ? error.message : String(error);
}

/** `promise`, or a rejection after `ms` saying `what` did not answer (grpc-js calls have no deadline by default). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
