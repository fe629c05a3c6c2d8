/**
 * Why the catalog store refused a snapshot or could not load one. The admin API maps the codes to gRPC
 * statuses (`INVALID_SNAPSHOT` → INVALID_ARGUMENT, `STALE_VERSION` → FAILED_PRECONDITION, `IO` → INTERNAL).
 */
export type CatalogErrorCode = 'INVALID_SNAPSHOT' | 'STALE_VERSION' | 'IO';

/** A catalog refusal with a code and a message in words (which field, which version, which file). */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    readonly code: CatalogErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether `error` is a `CatalogError` (of `code`, when given). */
export function isCatalogError(error: unknown, code?: CatalogErrorCode): error is CatalogError {
  return error instanceof CatalogError && (code === undefined || error.code === code);
}
