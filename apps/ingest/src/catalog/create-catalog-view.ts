import { checkWrite, principalLabel, type SecurableGrant } from '@lakestream/catalog/contract';
import type {
  ProvisionedCatalog,
  ProvisionedCredential,
  ProvisionedPrincipal,
  ProvisionedTable,
  ProvisionedTokenKey,
  WriteDecision,
} from './catalog-view.js';
import type { CatalogSnapshot } from './snapshot-schema.js';

/**
 * Builds the read model of one validated snapshot (`parseCatalogSnapshot`): tables by lower-case name,
 * principals, credentials and keys by id, and each principal's grants.
 *
 * `authorizeWrite` decides by the catalog's own grant resolution (`checkWrite` of `@lakestream/catalog/contract`,
 * the one `canWrite` uses): writing to `c.s.t` needs MODIFY on the table, the schema or the catalog, AND
 * USE_CATALOG on `c`, AND USE_SCHEMA on `c.s` or `c`, inherited downward, MANAGE implying each where it is
 * granted. A missing or disabled principal may write nowhere.
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
  const grants = new Map<string, SecurableGrant[]>();
  for (const g of snapshot.grants) {
    let list = grants.get(g.principalId);
    if (list === undefined) {
      list = [];
      grants.set(g.principalId, list);
    }
    list.push({ privilege: g.privilege, securable: g.securable });
  }

  const authorizeWrite = (principalId: string, tableName: string): WriteDecision => {
    const name = tableName.trim().toLowerCase();
    const parts = name.split('.');
    if (parts.length !== 3 || parts.some((p) => p === '')) {
      return {
        allowed: false,
        reason: `'${tableName}' is not a three-part table name 'catalog.schema.table'`,
      };
    }
    const principal = principals.get(principalId);
    if (principal === undefined) {
      return { allowed: false, reason: `principal '${principalId}' is not provisioned on this node` };
    }
    const check = checkWrite(principal, grants.get(principalId) ?? [], name);
    if (!check.allowed) return { allowed: false, reason: check.reason };
    const { type, name: where } = check.modify.grant.securable;
    return { allowed: true, reason: `${check.who} has MODIFY on '${name}' through ${type} '${where}'` };
  };

  const revocation = (principalId: string, credentialId: string): string | undefined => {
    const principal = principals.get(principalId);
    if (principal === undefined) {
      return `principal '${principalId}' is no longer provisioned on this node; use the credential of a provisioned principal`;
    }
    if (principal.disabled) {
      return `principal ${principalLabel(principal)} was disabled; ask a catalog admin to enable it, or use another principal's credential`;
    }
    const credential = credentials.get(credentialId);
    if (credential === undefined) {
      return `the credential ${credentialId} is no longer provisioned on this node; get a new one`;
    }
    if (credential.revoked) return `the credential ${credentialId} was revoked; get a new one`;
    if (credential.principalId !== principalId) {
      return `the credential ${credentialId} no longer belongs to principal ${principalLabel(principal)}; get a new one`;
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
