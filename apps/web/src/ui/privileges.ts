import {
  isGrantableOn,
  PRIVILEGES,
  type Privilege,
  SECURABLE_TYPES,
  type SecurableType,
} from '@lakestream/catalog/contract';

/*
 * The grant vocabulary for the pages: the catalog's own lists and rule, from `@lakestream/catalog/contract` (the
 * entry that loads no SQLite, so the browser may import it as values).
 */

export { PRIVILEGES, SECURABLE_TYPES };

/** The privileges that mean something on a securable of `type` (USE_CATALOG on catalogs only, …). */
export function privilegesFor(type: SecurableType): Privilege[] {
  return PRIVILEGES.filter((p) => isGrantableOn(p, type));
}

/** What each privilege allows, in a few words (for the privilege select). */
export const PRIVILEGE_HINTS: Record<Privilege, string> = {
  USE_CATALOG: 'enter the catalog',
  USE_SCHEMA: 'enter the schema',
  MODIFY: 'write (stream) records',
  SELECT: 'read',
  MANAGE: 'every privilege grantable here',
};
