/*
 * Producer access: what a producer on the official Zerobus SDKs needs to stream to a table, decided once for
 * the console's "may stream" verdict and the OAuth token endpoint (which refuses a token request asking for
 * more than the grants give), and granted in one step.
 *
 * The SDKs' token request (spec: OAuth) asks for USE CATALOG on the catalog, USE SCHEMA on the schema and
 * SELECT + MODIFY on the table; an ingest node itself checks less (MODIFY, USE_CATALOG, USE_SCHEMA: `canWrite`),
 * but a producer that cannot get a token never reaches it.
 */
import type { Actor } from './audit.js';
import { CatalogError } from './catalog-error.js';
import type { CatalogDb } from './db/catalog-db.js';
import { type Privilege, type Securable, securableChain } from './grant-resolution.js';
import { effectivePermissions, type GrantInfo, insertGrant, resolveSecurable } from './grants.js';
import { formatTableName, parseTableName } from './names.js';
import { findPrincipal, getPrincipal } from './principals.js';
import { findTable } from './tables.js';

/** One privilege asked for on one securable (as a token request's `authorization_details` asks). */
export interface PrivilegeRequest {
  readonly privilege: Privilege;
  readonly securable: Securable;
}

/** The answer to "may this principal stream to this table with the SDK?", in words. */
export interface StreamDecision {
  readonly allowed: boolean;
  /** Why, in words: the grants that allow it, or what is missing and what to do. */
  readonly reason: string;
  /** Each missing privilege once, as `MODIFY on table 'c.s.t'` (empty when allowed). */
  readonly missing: readonly string[];
  /** Whether granting producer access (`grantProducerAccess`) would make it allowed. */
  readonly fixable: boolean;
}

/**
 * What the SDKs' OAuth token request asks for to stream to table `table` (`c.s.t`, parsed, lower case):
 * USE_CATALOG on catalog `c`, USE_SCHEMA on schema `c.s`, SELECT and MODIFY on table `c.s.t`.
 */
export function producerPrivileges(table: string): PrivilegeRequest[] {
  const [catalog, schema, self] = securableChain({ type: 'table', name: table });
  return [
    { privilege: 'USE_CATALOG', securable: catalog! },
    { privilege: 'USE_SCHEMA', securable: schema! },
    { privilege: 'SELECT', securable: self! },
    { privilege: 'MODIFY', securable: self! },
  ];
}

const describe = (r: PrivilegeRequest) => `${r.privilege} on ${r.securable.type} '${r.securable.name}'`;

/**
 * The privileges of `requested` that principal `principalId` does not hold by its grants (inherited and
 * MANAGE-implied ones count), each named once in request order (`MODIFY on table 'c.s.t'`); a securable that
 * does not exist is named once as such ("table 'c.s.nope' does not exist"). Throws `CatalogError` `NOT_FOUND`
 * for an unknown principal.
 */
export async function missingPrivileges(
  db: CatalogDb,
  principalId: string,
  requested: readonly PrivilegeRequest[],
): Promise<string[]> {
  await getPrincipal(db, principalId);
  const missing = new Set<string>();
  const held = new Map<string, Set<Privilege> | string>();
  for (const request of requested) {
    const key = `${request.securable.type}:${request.securable.name}`;
    let privileges = held.get(key);
    if (privileges === undefined) {
      try {
        privileges = new Set(
          (await effectivePermissions(db, principalId, request.securable)).map((p) => p.privilege),
        );
      } catch (error) {
        if (!(error instanceof CatalogError)) throw error;
        privileges = error.message;
      }
      held.set(key, privileges);
    }
    if (typeof privileges === 'string') missing.add(privileges);
    else if (!privileges.has(request.privilege)) missing.add(describe(request));
  }
  return [...missing];
}

/**
 * Whether principal `principalId` may stream to table `tableName` (case-insensitive) with the official SDKs:
 * it exists and is enabled, the table exists, and it holds every privilege the SDK's token request asks for
 * (`producerPrivileges`), the same check the token endpoint makes. Never throws for a bad name, an unknown
 * table or principal: it answers `allowed: false` saying so.
 */
export async function mayStream(
  db: CatalogDb,
  principalId: string,
  tableName: string,
): Promise<StreamDecision> {
  const refuse = (reason: string, fixable = false): StreamDecision => ({
    allowed: false,
    reason,
    missing: [],
    fixable,
  });
  let name: string;
  try {
    name = formatTableName(parseTableName(tableName));
  } catch (error) {
    if (error instanceof CatalogError) return refuse(error.message);
    throw error;
  }
  const found = await db.transaction(async (tx) => {
    const principal = await findPrincipal(tx, principalId);
    if (principal === undefined) return `principal '${principalId}' does not exist`;
    if ((await findTable(tx, parseTableName(name))) === undefined) return `table '${name}' does not exist`;
    return { principal, missing: await missingPrivileges(tx, principalId, producerPrivileges(name)) };
  });
  if (typeof found === 'string') return refuse(found);
  const { principal, missing } = found;
  const who = `principal '${principal.name}'`;
  if (principal.disabled) {
    return refuse(`${who} is disabled: the token endpoint refuses its credentials; enable it first`);
  }
  if (missing.length > 0) {
    return {
      allowed: false,
      reason: `${who} lacks what the SDK's token request asks for: ${missing.join('; ')}. Grant producer access (USE_CATALOG, USE_SCHEMA, SELECT, MODIFY) to fix it.`,
      missing,
      fixable: true,
    };
  }
  return {
    allowed: true,
    reason: `${who} holds everything the SDK's token request asks for on '${name}': USE_CATALOG, USE_SCHEMA, SELECT and MODIFY.`,
    missing: [],
    fixable: false,
  };
}

/** What `grantProducerAccess` takes. */
export interface ProducerAccessInput {
  readonly principalId: string;
  /** `catalog.schema.table`, case-insensitive. */
  readonly table: string;
}

/**
 * Grants principal `principalId` everything a producer needs on `table` (`producerPrivileges`: USE_CATALOG on
 * its catalog, USE_SCHEMA on its schema, SELECT and MODIFY on the table), in one transaction: only the ones it
 * does not hold yet (by any grant), each audited as `grant.add` with `details.producerAccess`. Returns the
 * grants added (empty when it already held all). Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`
 * (principal or table).
 */
export function grantProducerAccess(
  db: CatalogDb,
  actor: Actor,
  input: ProducerAccessInput,
): Promise<GrantInfo[]> {
  return db.transaction(async (tx) => {
    await getPrincipal(tx, input.principalId);
    const table = (await resolveSecurable(tx, { type: 'table', name: input.table })).securable;
    const added: GrantInfo[] = [];
    for (const request of producerPrivileges(table.name)) {
      if ((await missingPrivileges(tx, input.principalId, [request])).length === 0) continue;
      const target = await resolveSecurable(tx, request.securable);
      added.push(
        await insertGrant(tx, actor, { principalId: input.principalId, ...request }, target, {
          producerAccess: table.name,
        }),
      );
    }
    return added;
  });
}
