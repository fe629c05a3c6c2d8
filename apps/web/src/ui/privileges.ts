import type { Privilege, SecurableType } from '@lakestream/catalog';

/*
 * The grant vocabulary for the pages. Written out, not imported as values: a value import of
 * @lakestream/catalog would bundle SQLite into the browser. privileges.test.ts holds these equal to the
 * catalog's own PRIVILEGES, SECURABLE_TYPES and isGrantableOn.
 */

/** Every privilege, in the order the catalog lists them. */
export const PRIVILEGES: readonly Privilege[] = ['USE_CATALOG', 'USE_SCHEMA', 'MODIFY', 'SELECT', 'MANAGE'];

/** The kinds of securable, outermost first. */
export const SECURABLE_TYPES: readonly SecurableType[] = ['catalog', 'schema', 'table'];

const GRANTABLE_ON: Record<Privilege, readonly SecurableType[]> = {
  USE_CATALOG: ['catalog'],
  USE_SCHEMA: ['catalog', 'schema'],
  MODIFY: SECURABLE_TYPES,
  SELECT: SECURABLE_TYPES,
  MANAGE: SECURABLE_TYPES,
};

/** The privileges that mean something on a securable of `type` (USE_CATALOG on catalogs only, …). */
export function privilegesFor(type: SecurableType): Privilege[] {
  return PRIVILEGES.filter((p) => GRANTABLE_ON[p].includes(type));
}

/** What each privilege allows, in a few words (for the privilege select). */
export const PRIVILEGE_HINTS: Record<Privilege, string> = {
  USE_CATALOG: 'enter the catalog',
  USE_SCHEMA: 'enter the schema',
  MODIFY: 'write (stream) records',
  SELECT: 'read',
  MANAGE: 'every privilege grantable here',
};
