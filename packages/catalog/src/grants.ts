import { randomUUID } from 'node:crypto';
import { and, eq, type SQL } from 'drizzle-orm';
import { type Actor, recordChange } from './audit.js';
import { CatalogError } from './catalog-error.js';
import { findSchema, requireCatalog } from './catalogs.js';
import type { CatalogDb, CatalogTables, CatalogTx } from './db/catalog-db.js';
import {
  decideWrite,
  type EffectivePermission,
  isGrantableOn,
  PRIVILEGES,
  type Privilege,
  type ResolvedGrant,
  resolvePermissions,
  type Securable,
  type SecurableType,
  type WriteDecision,
} from './grant-resolution.js';
import { formatTableName, parseIdentifier, parseSchemaName, parseTableName } from './names.js';
import { findPrincipal, getPrincipal } from './principals.js';
import { findTable } from './tables.js';

/** A grant as the console lists it. */
export interface GrantInfo extends ResolvedGrant {
  readonly grantedBy: string;
  readonly grantedAt: number;
}

/** What `grantPrivilege` and `revokePrivilege` take; the securable's name is case-insensitive. */
export interface GrantInput {
  principalId: string;
  privilege: Privilege;
  securable: Securable;
}

/**
 * The id and normalised name of securable `securable`. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`.
 */
export async function resolveSecurable(
  db: CatalogDb,
  securable: Securable,
): Promise<{ id: string; securable: Securable }> {
  switch (securable.type) {
    case 'catalog': {
      const catalog = await requireCatalog(db, parseIdentifier(securable.name, 'catalog'));
      return { id: catalog.id, securable: { type: 'catalog', name: catalog.name } };
    }
    case 'schema': {
      const name = parseSchemaName(securable.name);
      const schema = await findSchema(db, (await requireCatalog(db, name.catalog)).id, name.schema);
      const full = `${name.catalog}.${name.schema}`;
      if (schema === undefined) throw new CatalogError('NOT_FOUND', `schema '${full}' does not exist`);
      return { id: schema.id, securable: { type: 'schema', name: full } };
    }
    case 'table': {
      const name = parseTableName(securable.name);
      const table = await findTable(db, name);
      if (table === undefined) {
        throw new CatalogError('NOT_FOUND', `table '${formatTableName(name)}' does not exist`);
      }
      return { id: table.id, securable: { type: 'table', name: table.name } };
    }
  }
}

function checkGrant(input: GrantInput): void {
  if (!(PRIVILEGES as readonly string[]).includes(input.privilege)) {
    throw new CatalogError('INVALID_GRANT', `unknown privilege '${input.privilege}'`);
  }
  if (!isGrantableOn(input.privilege, input.securable.type)) {
    const where = input.privilege === 'USE_CATALOG' ? 'catalogs' : 'catalogs and schemas';
    throw new CatalogError(
      'INVALID_GRANT',
      `${input.privilege} cannot be granted on a ${input.securable.type}; it is granted on ${where} only`,
    );
  }
}

/**
 * Grants `privilege` on `securable` to principal `principalId`. Audited as `grant.add`. Throws `CatalogError`
 * `INVALID_GRANT` (e.g. USE_CATALOG on a table), `INVALID_NAME`, `NOT_FOUND` (principal or securable) or
 * `ALREADY_EXISTS` (the very same grant).
 */
export function grantPrivilege(db: CatalogDb, actor: Actor, input: GrantInput): Promise<GrantInfo> {
  checkGrant(input);
  return db.transaction(async (tx) => {
    const principal = await getPrincipal(tx, input.principalId);
    const { id: securableId, securable } = await resolveSecurable(tx, input.securable);
    const existing = await findGrantRow(tx, input.principalId, input.privilege, securable.type, securableId);
    if (existing !== undefined) {
      throw new CatalogError(
        'ALREADY_EXISTS',
        `principal '${principal.name}' already holds ${input.privilege} on ${securable.type} '${securable.name}'`,
      );
    }
    return insertGrant(tx, actor, input, { id: securableId, securable }, {});
  });
}

/**
 * Inserts one grant of `input.privilege` on the resolved `target` and its `grant.add` audit record (with
 * `details` added), inside the caller's transaction. The caller checked the grant and that it is new.
 */
export async function insertGrant(
  tx: CatalogTx,
  actor: Actor,
  input: GrantInput,
  target: { id: string; securable: Securable },
  details: Record<string, unknown>,
): Promise<GrantInfo> {
  const { securable } = target;
  const now = Date.now();
  const row = {
    id: randomUUID(),
    principalId: input.principalId,
    privilege: input.privilege,
    securableType: securable.type,
    securableId: target.id,
    grantedBy: actor.principalId,
    grantedAt: now,
  };
  await tx.orm.insert(tx.tables.Grants).values(row);
  await recordChange(
    tx,
    actor,
    {
      action: 'grant.add',
      targetType: 'grant',
      target: `${input.privilege} ${securable.type}:${securable.name}`,
      details: { principalId: input.principalId, privilege: input.privilege, securable, ...details },
    },
    now,
  );
  return {
    id: row.id,
    principalId: row.principalId,
    privilege: row.privilege,
    securable,
    grantedBy: row.grantedBy,
    grantedAt: row.grantedAt,
  };
}

/**
 * Revokes the grant of `privilege` on `securable` from `principalId` (inherited privileges come from grants
 * above and are revoked there). Audited as `grant.revoke`. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`
 * (principal, securable or grant).
 */
export function revokePrivilege(db: CatalogDb, actor: Actor, input: GrantInput): Promise<void> {
  return db.transaction(async (tx) => {
    const { Grants } = tx.tables;
    await getPrincipal(tx, input.principalId);
    const { id: securableId, securable } = await resolveSecurable(tx, input.securable);
    const existing = await findGrantRow(tx, input.principalId, input.privilege, securable.type, securableId);
    if (existing === undefined) {
      throw new CatalogError(
        'NOT_FOUND',
        `principal '${input.principalId}' holds no ${input.privilege} granted on ${securable.type} '${securable.name}'`,
      );
    }
    await tx.orm.delete(Grants).where(eq(Grants.id, existing.id));
    await recordChange(
      tx,
      actor,
      {
        action: 'grant.revoke',
        targetType: 'grant',
        target: `${input.privilege} ${securable.type}:${securable.name}`,
        details: { principalId: input.principalId, privilege: input.privilege, securable },
      },
      Date.now(),
    );
  });
}

/**
 * Every grant (of principal `principalId`, when given) with its securable named: catalogs, then schemas, then
 * tables, each by name.
 */
export function listGrants(db: CatalogDb, filter: { principalId?: string } = {}): Promise<GrantInfo[]> {
  return db.run(async ({ orm, tables: { Catalogs, Grants, Schemas, Tables } }) => {
    const where = (extra: SQL) =>
      filter.principalId === undefined ? extra : and(extra, eq(Grants.principalId, filter.principalId));
    const toInfo = (g: CatalogTables['Grants']['$inferSelect'], name: string): GrantInfo => ({
      id: g.id,
      principalId: g.principalId,
      privilege: g.privilege,
      securable: { type: g.securableType, name },
      grantedBy: g.grantedBy,
      grantedAt: g.grantedAt,
    });
    const onCatalogs = (
      await orm
        .select({ grant: Grants, catalog: Catalogs.name })
        .from(Grants)
        .innerJoin(Catalogs, eq(Grants.securableId, Catalogs.id))
        .where(where(eq(Grants.securableType, 'catalog')))
    ).map((r) => toInfo(r.grant, r.catalog));
    const onSchemas = (
      await orm
        .select({ grant: Grants, catalog: Catalogs.name, schema: Schemas.name })
        .from(Grants)
        .innerJoin(Schemas, eq(Grants.securableId, Schemas.id))
        .innerJoin(Catalogs, eq(Schemas.catalogId, Catalogs.id))
        .where(where(eq(Grants.securableType, 'schema')))
    ).map((r) => toInfo(r.grant, `${r.catalog}.${r.schema}`));
    const onTables = (
      await orm
        .select({ grant: Grants, catalog: Catalogs.name, schema: Schemas.name, table: Tables.name })
        .from(Grants)
        .innerJoin(Tables, eq(Grants.securableId, Tables.id))
        .innerJoin(Schemas, eq(Tables.schemaId, Schemas.id))
        .innerJoin(Catalogs, eq(Schemas.catalogId, Catalogs.id))
        .where(where(eq(Grants.securableType, 'table')))
    ).map((r) => toInfo(r.grant, `${r.catalog}.${r.schema}.${r.table}`));
    const byName = (a: GrantInfo, b: GrantInfo) =>
      a.securable.name.localeCompare(b.securable.name) ||
      a.principalId.localeCompare(b.principalId) ||
      PRIVILEGES.indexOf(a.privilege) - PRIVILEGES.indexOf(b.privilege);
    return [...onCatalogs.sort(byName), ...onSchemas.sort(byName), ...onTables.sort(byName)];
  });
}

/**
 * Whether principal `principalId` may write to table `tableName` (`catalog.schema.table`, case-insensitive),
 * and why, in words: it needs MODIFY on the table or above it, USE_CATALOG on its catalog and USE_SCHEMA on its
 * schema or catalog (MANAGE implies each), and must exist and be enabled. Never throws for a bad name, unknown
 * table or principal: it answers `allowed: false` saying so. Console roles play no part: ingest nodes decide
 * by grants alone, and so does this.
 */
export async function canWrite(
  db: CatalogDb,
  principalId: string,
  tableName: string,
): Promise<WriteDecision> {
  let name: string;
  try {
    name = formatTableName(parseTableName(tableName));
  } catch (error) {
    if (error instanceof CatalogError) return { allowed: false, reason: error.message };
    throw error;
  }
  return db.transaction(async (tx) => {
    const principal = await findPrincipal(tx, principalId);
    if (principal !== undefined && (await findTable(tx, parseTableName(name))) === undefined) {
      return { allowed: false, reason: `table '${name}' does not exist` };
    }
    return decideWrite(principal, await listGrants(tx, { principalId }), name, principalId);
  });
}

/**
 * The console's "effective permissions — and why": every privilege principal `principalId` holds on
 * `securable`, each with the grant it comes from (on the securable itself, or inherited from its catalog or
 * schema, or implied by MANAGE) and the reason in words. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`
 * (principal or securable).
 */
export function effectivePermissions(
  db: CatalogDb,
  principalId: string,
  securable: Securable,
): Promise<EffectivePermission[]> {
  return db.transaction(async (tx) => {
    await getPrincipal(tx, principalId);
    const resolved = (await resolveSecurable(tx, securable)).securable;
    return resolvePermissions(await listGrants(tx, { principalId }), resolved);
  });
}

async function findGrantRow(
  tx: CatalogTx,
  principalId: string,
  privilege: Privilege,
  securableType: SecurableType,
  securableId: string,
) {
  const { Grants } = tx.tables;
  const [row] = await tx.orm
    .select({ id: Grants.id })
    .from(Grants)
    .where(
      and(
        eq(Grants.principalId, principalId),
        eq(Grants.privilege, privilege),
        eq(Grants.securableType, securableType),
        eq(Grants.securableId, securableId),
      ),
    )
    .limit(1);
  return row;
}
