import type { CatalogDb } from '@lakestream/catalog';
import { missingPrivileges } from '../catalog';
import { OAuthError } from './oauth-error';
import type { RequestedPrivilege } from './token-request';

/**
 * Checks that principal `principalId` holds every requested privilege by its grants (inherited and
 * MANAGE-implied ones included), by the catalog's `missingPrivileges`: the very check behind the console's
 * "may stream" verdict (`mayStream`). Throws `OAuthError` 403 `access_denied` naming each missing privilege
 * and securable once (the SDKs ask for MODIFY twice: as a privilege and as the `zerobuswrite` operation), with
 * what to do.
 */
export async function checkRequestedPrivileges(
  db: CatalogDb,
  principalId: string,
  requested: readonly RequestedPrivilege[],
): Promise<void> {
  const missing = await missingPrivileges(db, principalId, requested);
  if (missing.length > 0) {
    throw new OAuthError(
      403,
      'access_denied',
      `the client's principal lacks what it asked for: ${missing.join('; ')}; an editor can grant them in the console (Grants → "Grant producer access")`,
    );
  }
}
