/**
 * Why a catalog operation was refused. A closed set: the console's tRPC layer maps each code to an HTTP/tRPC
 * status once (`INVALID_*` → BAD_REQUEST, `NOT_FOUND`, `ALREADY_EXISTS`/`NOT_EMPTY` → CONFLICT, `FORBIDDEN`,
 * `INVALID_CREDENTIAL`/`EXPIRED`/`REVOKED` → UNAUTHORIZED).
 *
 * - `INVALID_NAME`: a catalog, schema, table or column name breaks the naming rules (names.ts).
 * - `INVALID_TYPE`: a column's Delta type is malformed or unsupported (delta-types.ts).
 * - `INVALID_GRANT`: a privilege that means nothing on that kind of securable (USE_CATALOG on a table).
 * - `NOT_FOUND`, `ALREADY_EXISTS`: the named thing is missing, or taken.
 * - `NOT_EMPTY`: a catalog or schema to drop still holds schemas or tables (the message names them).
 * - `FORBIDDEN`: the actor's role does not allow the change, the principal is disabled, or a rule protects the
 *   target (deleting yourself, or the last admin).
 * - `INVALID_CREDENTIAL`: unknown client id or wrong secret (deliberately not saying which).
 * - `EXPIRED`, `REVOKED`: a credential past its expiry, or revoked.
 * - `INVALID_ALERT_RULE`: an alert rule's kind, threshold, duration or webhook URL is refused (alert-rules.ts).
 */
export type CatalogErrorCode =
  | 'INVALID_NAME'
  | 'INVALID_TYPE'
  | 'INVALID_GRANT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'NOT_EMPTY'
  | 'FORBIDDEN'
  | 'INVALID_CREDENTIAL'
  | 'EXPIRED'
  | 'REVOKED'
  | 'INVALID_ALERT_RULE';

/** A refusal of the catalog, with a code and a message in words naming the offending thing. */
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
