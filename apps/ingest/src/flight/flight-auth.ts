import type { Principal } from '../auth/authenticator.js';
import type { CatalogView, ProvisionedTable } from '../catalog/catalog-view.js';
import { IngestError } from '../errors.js';

/** The header that names a DoPut's table (Flight has no create message; the descriptor is not used). */
export const TABLE_HEADER = 'x-databricks-zerobus-table-name';

/**
 * The table a DoPut writes to, with the principal's right to write it checked on the catalog snapshot
 * (revoked credential → UNAUTHENTICATED, no MODIFY → PERMISSION_DENIED, unknown table → NOT_FOUND), with
 * the same catalog calls and words as the Zerobus streams.
 */
export function resolveFlightTable(
  view: CatalogView,
  principal: Principal,
  headerName: string | undefined,
): ProvisionedTable {
  const name = headerName?.trim().toLowerCase();
  if (name === undefined || name === '') {
    throw new IngestError(
      'INVALID_ARGUMENT',
      `no table named: set the ${TABLE_HEADER} header to catalog.schema.table`,
    );
  }
  const table = view.table(name);
  if (table === undefined) {
    throw new IngestError('NOT_FOUND', `table ${name} is not provisioned on this ingest node`);
  }
  authorizeFlightWrite(view, principal, table.name);
  return table;
}

/** Throws unless `principal` may still write `tableName` on `view` (also used on every new snapshot). */
export function authorizeFlightWrite(view: CatalogView, principal: Principal, tableName: string): void {
  if (view.isRevoked(principal.id, principal.credentialId)) {
    throw new IngestError('UNAUTHENTICATED', `the credential ${principal.credentialId} was revoked`);
  }
  const decision = view.authorizeWrite(principal.id, tableName);
  if (!decision.allowed) {
    throw new IngestError(
      'PERMISSION_DENIED',
      `${principal.id} may not write to ${tableName}: ${decision.reason}`,
    );
  }
}
