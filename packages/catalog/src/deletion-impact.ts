import { listSchemas } from './catalogs.js';
import { type CredentialStatus, listCredentials } from './credentials.js';
import type { CatalogDb } from './db/catalog-db.js';
import type { Privilege, Securable } from './grant-resolution.js';
import { listGrants, resolveSecurable } from './grants.js';
import { getPrincipal, listPrincipals } from './principals.js';
import { listTables } from './tables.js';

/*
 * What a deletion takes with it, for the console's confirmation dialogs, read by the same rules the deletion
 * applies: grants on a dropped securable and the grants and credentials of a deleted principal go with it; a
 * catalog or schema that still holds something is refused (`contents` names what).
 */

/** A grant that a deletion removes, named for people. */
export interface AffectedGrant {
  readonly privilege: Privilege;
  readonly securable: Securable;
  readonly principalId: string;
  readonly principalName: string;
}

/** What deleting a catalog, schema or table affects. */
export interface SecurableImpact {
  readonly securable: Securable;
  /** What stops the drop: the schemas of a catalog, the tables of a schema (full names); empty for a table. */
  readonly contents: string[];
  /** The grants on it, removed with it. */
  readonly grants: AffectedGrant[];
}

/** What deleting a principal affects. */
export interface PrincipalImpact {
  readonly principalId: string;
  readonly name: string;
  /** The grants it holds, removed with it. */
  readonly grants: AffectedGrant[];
  /** Its credentials, removed with it. */
  readonly credentials: { clientId: string; status: CredentialStatus }[];
}

async function named(
  db: CatalogDb,
  grants: Awaited<ReturnType<typeof listGrants>>,
): Promise<AffectedGrant[]> {
  const names = new Map((await listPrincipals(db)).map((p) => [p.id, p.name]));
  return grants.map((g) => ({
    privilege: g.privilege,
    securable: g.securable,
    principalId: g.principalId,
    principalName: names.get(g.principalId) ?? g.principalId,
  }));
}

/**
 * What dropping `securable` would affect: what it holds and the grants on it. Throws `CatalogError`
 * `INVALID_NAME` or `NOT_FOUND`.
 */
export function securableImpact(db: CatalogDb, securable: Securable): Promise<SecurableImpact> {
  return db.transaction(async (tx) => {
    const resolved = (await resolveSecurable(tx, securable)).securable;
    const contents =
      resolved.type === 'catalog'
        ? (await listSchemas(tx, resolved.name)).map((s) => s.name)
        : resolved.type === 'schema'
          ? (await listTables(tx, resolved.name)).map((t) => t.name)
          : [];
    const grants = (await listGrants(tx)).filter(
      (g) => g.securable.type === resolved.type && g.securable.name === resolved.name,
    );
    return { securable: resolved, contents, grants: await named(tx, grants) };
  });
}

/** What deleting principal `id` would affect: its grants and credentials. Throws `CatalogError('NOT_FOUND')`. */
export function principalImpact(db: CatalogDb, id: string): Promise<PrincipalImpact> {
  return db.transaction(async (tx) => {
    const principal = await getPrincipal(tx, id);
    return {
      principalId: id,
      name: principal.name,
      grants: await named(tx, await listGrants(tx, { principalId: id })),
      credentials: (await listCredentials(tx, { principalId: id })).map((c) => ({
        clientId: c.clientId,
        status: c.status,
      })),
    };
  });
}
