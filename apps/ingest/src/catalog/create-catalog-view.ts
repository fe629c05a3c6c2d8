import type {
  ProvisionedCatalog,
  ProvisionedCredential,
  ProvisionedPrincipal,
  ProvisionedTable,
  ProvisionedTokenKey,
  WriteDecision,
} from './catalog-view.js';
import type { CatalogSnapshot, Privilege } from './snapshot-schema.js';

type SecurableType = 'catalog' | 'schema' | 'table';

/** `MODIFY table:main.sales.orders`: one privilege on one securable, the key of the grant index. */
function grantKey(privilege: Privilege, type: SecurableType, name: string): string {
  return `${privilege} ${type}:${name}`;
}

/**
 * Builds the read model of one validated snapshot (`parseCatalogSnapshot`): tables by lower-case name,
 * principals, credentials and keys by id, and a grant index so `authorizeWrite` is a few set look-ups.
 *
 * Grant rules (Unity Catalog's): a privilege granted on a catalog or schema is inherited by everything below
 * it; `MANAGE` implies every privilege on its securable and below. Writing to `c.s.t` needs MODIFY on the
 * table, the schema or the catalog, AND USE_CATALOG on `c`, AND USE_SCHEMA on `c.s` or `c`. A missing or
 * disabled principal may write nowhere.
 */
export function createCatalogView(snapshot: CatalogSnapshot): ProvisionedCatalog {
  const tables = new Map<string, ProvisionedTable>(
    snapshot.tables.map((t) => [t.name, { ...t, properties: { ...t.properties } }]),
  );
  const principals = new Map<string, ProvisionedPrincipal>(
    snapshot.principals.map((p) => [
      p.id,
      { id: p.id, name: p.name, kind: p.kind, disabled: p.disabled === true },
    ]),
  );
  const credentials = new Map<string, ProvisionedCredential>(
    snapshot.credentials.map((c) => [
      c.id,
      {
        id: c.id,
        principalId: c.principalId,
        kind: c.kind,
        tokenHash: c.tokenHash,
        revoked: c.revoked === true,
        expiresAt: c.expiresAt,
      },
    ]),
  );
  const tokenKeys = new Map<string, ProvisionedTokenKey>(
    snapshot.tokenKeys.map((k) => [
      k.kid,
      { kid: k.kid, alg: k.alg, publicJwk: { kty: k.publicJwk.kty, crv: k.publicJwk.crv, x: k.publicJwk.x } },
    ]),
  );
  const grants = new Map<string, Set<string>>();
  for (const g of snapshot.grants) {
    let set = grants.get(g.principalId);
    if (set === undefined) {
      set = new Set();
      grants.set(g.principalId, set);
    }
    set.add(grantKey(g.privilege, g.securable.type, g.securable.name));
  }

  /** Whether `privilege` (or MANAGE) is granted on this very securable. */
  const holds = (set: Set<string>, privilege: Privilege, type: SecurableType, name: string) =>
    set.has(grantKey(privilege, type, name)) || set.has(grantKey('MANAGE', type, name));

  const label = (p: ProvisionedPrincipal) => (p.name === p.id ? `'${p.id}'` : `'${p.name}' (id '${p.id}')`);

  const authorizeWrite = (principalId: string, tableName: string): WriteDecision => {
    const name = tableName.trim().toLowerCase();
    const parts = name.split('.');
    if (parts.length !== 3 || parts.some((p) => p === '')) {
      return {
        allowed: false,
        reason: `'${tableName}' is not a three-part table name 'catalog.schema.table'`,
      };
    }
    const catalog = parts[0]!;
    const schema = `${parts[0]}.${parts[1]}`;
    const principal = principals.get(principalId);
    if (principal === undefined) {
      return { allowed: false, reason: `principal '${principalId}' is not provisioned on this node` };
    }
    if (principal.disabled) return { allowed: false, reason: `principal ${label(principal)} is disabled` };
    const set = grants.get(principalId) ?? new Set<string>();
    const who = `principal ${label(principal)}`;
    const missing: string[] = [];

    const modifyOn = holds(set, 'MODIFY', 'table', name)
      ? `table '${name}'`
      : holds(set, 'MODIFY', 'schema', schema)
        ? `schema '${schema}'`
        : holds(set, 'MODIFY', 'catalog', catalog)
          ? `catalog '${catalog}'`
          : undefined;
    if (modifyOn === undefined) {
      missing.push(`${who} has no MODIFY on '${name}' (nor on schema '${schema}' or catalog '${catalog}')`);
    }
    if (!holds(set, 'USE_CATALOG', 'catalog', catalog)) {
      missing.push(`${who} has no USE_CATALOG on catalog '${catalog}'`);
    }
    if (!holds(set, 'USE_SCHEMA', 'schema', schema) && !holds(set, 'USE_SCHEMA', 'catalog', catalog)) {
      missing.push(`${who} has no USE_SCHEMA on schema '${schema}' (nor on catalog '${catalog}')`);
    }
    if (missing.length > 0) return { allowed: false, reason: missing.join('; ') };
    return { allowed: true, reason: `${who} has MODIFY on '${name}' through ${modifyOn}` };
  };

  const revocation = (principalId: string, credentialId: string): string | undefined => {
    const principal = principals.get(principalId);
    if (principal === undefined) {
      return `principal '${principalId}' is no longer provisioned on this node; use the credential of a provisioned principal`;
    }
    if (principal.disabled) {
      return `principal ${label(principal)} was disabled; ask a catalog admin to enable it, or use another principal's credential`;
    }
    const credential = credentials.get(credentialId);
    if (credential === undefined) {
      return `the credential ${credentialId} is no longer provisioned on this node; get a new one`;
    }
    if (credential.revoked) return `the credential ${credentialId} was revoked; get a new one`;
    if (credential.principalId !== principalId) {
      return `the credential ${credentialId} no longer belongs to principal ${label(principal)}; get a new one`;
    }
    if (credential.expiresAt !== undefined && credential.expiresAt <= Date.now()) {
      return `the credential ${credentialId} expired at ${new Date(credential.expiresAt).toISOString()}; get a new one`;
    }
    return undefined;
  };

  return {
    version: snapshot.version,
    tokenIssuer: snapshot.issuer,
    tokenAudience: snapshot.audience,
    table: (name) => tables.get(name.trim().toLowerCase()),
    authorizeWrite,
    revocation,
    principal: (id) => principals.get(id),
    credential: (id) => credentials.get(id),
    tokenKey: (kid) => tokenKeys.get(kid),
  };
}
