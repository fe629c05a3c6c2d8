/** Helpers for calls to ingest nodes' admin API (provisioning, stream sampling). */

/** grpc-js's status for a call that found no server (among others). */
const UNAVAILABLE = 14;

/**
 * A failed admin call to the node at `address` in words: a refused connection says the node is down (grpc-js
 * words it "No connection established. Last error: … ECONNREFUSED …"), else the gRPC status details when
 * there are any, else the error's message.
 */
export function describeAdminError(error: unknown, address?: string): string {
  const e = error as { code?: unknown; details?: unknown; message?: unknown };
  const details = typeof e.details === 'string' ? e.details : '';
  if (e.code === UNAVAILABLE && details.includes('ECONNREFUSED') && address !== undefined) {
    return `nothing answers at ${address} (connection refused): the node is down or restarting; it keeps its WAL and catalog and is brought up to date when it is back`;
  }
  if (details !== '') return details;
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
