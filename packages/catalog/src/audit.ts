import { and, desc, eq, lt, or, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { CatalogDb, CatalogEngine, CatalogTx } from './db/catalog-db.js';

/** Who makes a change, and from where: the principal id and the client's address (null when unknown). */
export interface Actor {
  readonly principalId: string;
  readonly address: string | null;
}

/** The actor of changes made by the system itself (bootstrap, migrations of data): principal id `system`. */
export const SYSTEM_ACTOR: Actor = { principalId: 'system', address: null };

/** Every kind of change the audit log records. */
export type AuditAction =
  | 'catalog.create'
  | 'catalog.rename'
  | 'catalog.drop'
  | 'schema.create'
  | 'schema.rename'
  | 'schema.drop'
  | 'table.create'
  | 'table.add_columns'
  | 'table.rename'
  | 'table.drop'
  | 'principal.create'
  | 'principal.rename'
  | 'principal.delete'
  | 'principal.set_role'
  | 'principal.disable'
  | 'principal.enable'
  | 'grant.add'
  | 'grant.revoke'
  | 'credential.create'
  | 'credential.rotate'
  | 'credential.revoke'
  | 'alert_rule.create'
  | 'alert_rule.update'
  | 'alert_rule.delete'
  // Events (`recordEvent`): not changes, so no new provisioning version.
  | 'auth.sign_in'
  | 'auth.sign_in_failed'
  | 'auth.refused'
  | 'auth.password_change'
  | 'auth.password_set'
  | 'table.delete_data'
  | 'api_token.create'
  | 'api_token.revoke'
  | 'token.issue'
  | 'token.refuse'
  | 'stream.cut';

/** What a change touched: `targetType` and `target` (a securable name, a principal id, a client id). */
export interface Change {
  readonly action: AuditAction;
  readonly targetType:
    | 'catalog'
    | 'schema'
    | 'table'
    | 'principal'
    | 'grant'
    | 'credential'
    | 'api_token'
    | 'request'
    | 'alert_rule';
  readonly target: string;
  /** JSON-able details of the change; never a secret. */
  readonly details?: Record<string, unknown>;
}

/** One row of the audit log. */
export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly actorId: string;
  readonly fromAddress: string | null;
  readonly action: AuditAction;
  readonly targetType: Change['targetType'];
  readonly target: string;
  readonly details: Record<string, unknown>;
  /** The provisioning version the change produced. */
  readonly catalogVersion: number;
}

/**
 * Records `change` by `actor` at `at`: bumps the provisioning version and appends an audit row. Call it inside
 * the change's own transaction, so that a change and its record are committed together or not at all. Returns
 * the new version.
 */
export async function recordChange(tx: CatalogTx, actor: Actor, change: Change, at: number): Promise<number> {
  const { AuditLog, CatalogVersion } = tx.tables;
  const [bumped] = await tx.orm
    .insert(CatalogVersion)
    .values({ id: 1, version: 1, updatedAt: at })
    .onConflictDoUpdate({
      target: CatalogVersion.id,
      set: { version: sql`${CatalogVersion.version} + 1`, updatedAt: at },
    })
    .returning({ version: CatalogVersion.version });
  const version = bumped!.version;
  await tx.orm.insert(AuditLog).values({
    at,
    actorId: actor.principalId,
    fromAddress: actor.address,
    action: change.action,
    targetType: change.targetType,
    target: change.target,
    details: JSON.stringify(change.details ?? {}),
    catalogVersion: version,
  });
  return version;
}

/**
 * Records an event that is not a change of the catalog (a sign-in, a refused request, a token issued or
 * refused, a stream cut by a revocation): an audit row at the current provisioning version, which it does
 * not bump. `actor.principalId` is `anonymous` when no one is known. Returns the row's id.
 */
export function recordEvent(
  db: CatalogDb,
  actor: Actor,
  event: Change,
  at: number = Date.now(),
): Promise<number> {
  return db.transaction(async (tx) => {
    const { AuditLog } = tx.tables;
    const [row] = await tx.orm
      .insert(AuditLog)
      .values({
        at,
        actorId: actor.principalId,
        fromAddress: actor.address,
        action: event.action,
        targetType: event.targetType,
        target: event.target,
        details: JSON.stringify(event.details ?? {}),
        catalogVersion: await getCatalogVersion(tx),
      })
      .returning({ id: AuditLog.id });
    return row!.id;
  });
}

/** The actor of events whose author is unknown (a failed sign-in, a refused anonymous request). */
export const ANONYMOUS = 'anonymous';

/** The current provisioning version: 0 for a catalog that never changed. */
export function getCatalogVersion(db: CatalogDb): Promise<number> {
  return db.run(async (q) => {
    const { CatalogVersion } = q.tables;
    const [row] = await q.orm.select({ version: CatalogVersion.version }).from(CatalogVersion).limit(1);
    return row?.version ?? 0;
  });
}

/**
 * The audit log, newest first: at most `limit` rows (default 100), older than row `beforeId` when given (to
 * page), only about `targetType`/`target` or by `actorId` when given. The rows of a table (`targetType`
 * `table` with a `target`) include the grants and revocations of privileges on it.
 */
export function listAuditLog(
  db: CatalogDb,
  filter: {
    limit?: number;
    beforeId?: number;
    targetType?: Change['targetType'];
    target?: string;
    actorId?: string;
  } = {},
): Promise<AuditEntry[]> {
  return db.run(async (q) => {
    const { AuditLog } = q.tables;
    const conditions: SQL[] = [];
    if (filter.beforeId !== undefined) conditions.push(lt(AuditLog.id, filter.beforeId));
    if (filter.targetType === 'table' && filter.target !== undefined) {
      const table = filter.target.trim().toLowerCase();
      const detail = (path: string) => jsonText(q.engine, AuditLog.details, path);
      conditions.push(
        or(
          and(eq(AuditLog.targetType, 'table'), eq(AuditLog.target, table)),
          and(
            eq(AuditLog.targetType, 'grant'),
            sql`${detail('securable.type')} = 'table'`,
            sql`${detail('securable.name')} = ${table}`,
          ),
        )!,
      );
    } else {
      if (filter.targetType !== undefined) conditions.push(eq(AuditLog.targetType, filter.targetType));
      if (filter.target !== undefined) conditions.push(eq(AuditLog.target, filter.target));
    }
    if (filter.actorId !== undefined) conditions.push(eq(AuditLog.actorId, filter.actorId));
    const rows = await q.orm
      .select()
      .from(AuditLog)
      .where(and(...conditions))
      .orderBy(desc(AuditLog.id))
      .limit(filter.limit ?? 100);
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actorId,
      fromAddress: r.fromAddress,
      action: r.action as AuditAction,
      targetType: r.targetType as Change['targetType'],
      target: r.target,
      details: JSON.parse(r.details) as Record<string, unknown>,
      catalogVersion: r.catalogVersion,
    }));
  });
}

/** The text at dotted `path` of the JSON text in `column`, in `engine`'s SQL. */
function jsonText(engine: CatalogEngine, column: SQLiteColumn, path: string): SQL {
  return engine === 'postgres'
    ? sql`(${column}::jsonb #>> ${`{${path.split('.').join(',')}}`})`
    : sql`json_extract(${column}, ${`$.${path}`})`;
}
