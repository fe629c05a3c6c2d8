import type { CatalogExecutor } from '@lakestream/catalog';
import { effectivePermissions, isCatalogError } from '../catalog';
import { OAuthError } from './oauth-error';
import type { RequestedPrivilege } from './token-request';

/**
 * Checks that principal `principalId` holds every requested privilege by its grants (inherited and
 * MANAGE-implied ones included, the catalog's rules). Throws `OAuthError` 403 `access_denied` naming each
 * missing privilege and securable (an unknown securable is named as such).
 */
export function checkRequestedPrivileges(
  db: CatalogExecutor,
  principalId: string,
  requested: readonly RequestedPrivilege[],
): void {
  const missing: string[] = [];
  const held = new Map<string, Set<string> | string>();
  for (const { privilege, securable } of requested) {
    const key = `${securable.type}:${securable.name}`;
    let privileges = held.get(key);
    if (privileges === undefined) {
      try {
        privileges = new Set(effectivePermissions(db, principalId, securable).map((p) => p.privilege));
      } catch (error) {
        if (!isCatalogError(error)) throw error;
        privileges = error.message; // e.g. "table 'main.sales.nope' does not exist"
      }
      held.set(key, privileges);
    }
    if (typeof privileges === 'string') {
      if (!missing.includes(privileges)) missing.push(privileges);
    } else if (!privileges.has(privilege)) {
      missing.push(`${privilege} on ${securable.type} '${securable.name}'`);
    }
  }
  if (missing.length > 0) {
    throw new OAuthError(
      403,
      'access_denied',
      `the client's principal lacks what it asked for: ${missing.join('; ')}`,
    );
  }
}
