import { IngestError } from '../base/errors.js';
import type { CatalogView, ProvisionedTable } from '../catalog/catalog-view.js';
import type { Principal } from './authenticator.js';

/** The header that names a stream's table (Zerobus streams also name it in `create_stream`; DoPut only here). */
export const TABLE_HEADER = 'x-databricks-zerobus-table-name';

/**
 * The table a stream writes to, with the principal's right to write it checked on the catalog snapshot
 * (revoked credential, disabled principal → UNAUTHENTICATED, no MODIFY → PERMISSION_DENIED, unknown table →
 * NOT_FOUND). Shared
 * by the Zerobus streams and Arrow Flight DoPut, so both refuse in the same words. `howToName` completes the
 * INVALID_ARGUMENT when no name was given.
 */
export function resolveWritableTable(
  view: CatalogView,
  principal: Principal,
  tableName: string | undefined,
  howToName: string,
): ProvisionedTable {
  const name = tableName?.trim().toLowerCase();
  if (name === undefined || name === '') {
    throw new IngestError('INVALID_ARGUMENT', `no table named: ${howToName}`);
  }
  const table = view.table(name);
  if (table === undefined) {
    throw new IngestError('NOT_FOUND', `table ${name} is not provisioned on this ingest node`);
  }
  authorizeWrite(view, principal, table.name);
  return table;
}

/** Throws unless `principal` may still write `tableName` on `view` (also checked on every new snapshot). */
export function authorizeWrite(view: CatalogView, principal: Principal, tableName: string): void {
  const revoked = view.revocation(principal.id, principal.credentialId);
  if (revoked !== undefined) throw new IngestError('UNAUTHENTICATED', revoked);
  const decision = view.authorizeWrite(principal.id, tableName);
  if (!decision.allowed) {
    throw new IngestError(
      'PERMISSION_DENIED',
      `${principal.id} may not write to ${tableName}: ${decision.reason}`,
    );
  }
}

/**
 * Re-checks a live stream against a new catalog snapshot: its table must still be provisioned and its
 * principal still allowed (a revocation or a lost grant ends the stream within seconds).
 */
export function assertStillWritable(view: CatalogView, principal: Principal, tableName: string): void {
  if (view.table(tableName) === undefined) {
    throw new IngestError('NOT_FOUND', `table ${tableName} is no longer provisioned on this ingest node`);
  }
  authorizeWrite(view, principal, tableName);
}
