import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, ne } from 'drizzle-orm';
import { type Actor, recordChange, SYSTEM_ACTOR } from './audit.js';
import { CatalogError } from './catalog-error.js';
import type { CatalogDb } from './db/catalog-db.js';
import { parseServicePrincipalName } from './names.js';

/** Console roles of users, weakest first: viewers read, editors change tables and grants, admins everything. */
export const USER_ROLES = ['viewer', 'editor', 'admin'] as const;
/** A user's console role. */
export type UserRole = (typeof USER_ROLES)[number];

/** A principal: a user (with a role) or a service principal (a producer; no role). */
export interface PrincipalInfo {
  readonly id: string;
  readonly kind: 'user' | 'service';
  readonly name: string;
  readonly role: UserRole | null;
  readonly disabled: boolean;
  readonly createdBy: string;
  readonly createdAt: number;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

function parsePrincipalName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 255) {
    throw new CatalogError('INVALID_NAME', 'a principal name must be 1 to 255 characters (not only spaces)');
  }
  return trimmed;
}

function parseRole(role: string): UserRole {
  if (!(USER_ROLES as readonly string[]).includes(role)) {
    throw new CatalogError('INVALID_NAME', `unknown role '${role}'; expected admin, editor or viewer`);
  }
  return role as UserRole;
}

function createPrincipal(
  db: CatalogDb,
  actor: Actor,
  input: { kind: 'user' | 'service'; name: string; role: UserRole | null; id?: string | undefined },
): Promise<PrincipalInfo> {
  const name =
    input.kind === 'service' ? parseServicePrincipalName(input.name) : parsePrincipalName(input.name);
  const id = input.id ?? randomUUID();
  if (!ID.test(id)) {
    throw new CatalogError(
      'INVALID_NAME',
      `principal id '${id}' must be 1 to 128 letters, digits, '.', '_', '@' or '-', starting with a letter or digit`,
    );
  }
  if (id === SYSTEM_ACTOR.principalId) {
    throw new CatalogError('INVALID_NAME', `principal id '${id}' is reserved for the system's own changes`);
  }
  return db.transaction(async (tx) => {
    const { Principals } = tx.tables;
    if ((await findPrincipal(tx, id)) !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `principal id '${id}' is taken`);
    }
    const [sameName] = await tx.orm
      .select({ id: Principals.id })
      .from(Principals)
      .where(eq(Principals.name, name))
      .limit(1);
    if (sameName !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `a principal named '${name}' already exists`);
    }
    const now = Date.now();
    const row = {
      id,
      kind: input.kind,
      name,
      role: input.role,
      disabled: false,
      createdBy: actor.principalId,
      createdAt: now,
    };
    await tx.orm.insert(Principals).values(row);
    await recordChange(
      tx,
      actor,
      {
        action: 'principal.create',
        targetType: 'principal',
        target: id,
        details: { kind: row.kind, name, role: row.role },
      },
      now,
    );
    return row;
  });
}

/**
 * Creates a user named `name` (usually an e-mail address) with console role `role`; `id` defaults to a random
 * UUID. Audited as `principal.create`. Throws `CatalogError` `INVALID_NAME` or `ALREADY_EXISTS` (id or name).
 */
export function createUser(
  db: CatalogDb,
  actor: Actor,
  input: { name: string; role: UserRole; id?: string },
): Promise<PrincipalInfo> {
  return createPrincipal(db, actor, {
    kind: 'user',
    name: input.name,
    role: parseRole(input.role),
    id: input.id,
  });
}

/**
 * Creates a service principal (a producer application) named `name` (lower-cased; `names.ts`,
 * `servicePrincipalNameProblem`); `id` defaults to a random UUID. Audited
 * as `principal.create`. Throws `CatalogError` `INVALID_NAME` or `ALREADY_EXISTS` (id or name).
 */
export function createServicePrincipal(
  db: CatalogDb,
  actor: Actor,
  input: { name: string; id?: string },
): Promise<PrincipalInfo> {
  return createPrincipal(db, actor, { kind: 'service', name: input.name, role: null, id: input.id });
}

/** Every principal, by name. */
export function listPrincipals(db: CatalogDb): Promise<PrincipalInfo[]> {
  return db.run(({ orm, tables: { Principals } }) =>
    orm.select().from(Principals).orderBy(asc(Principals.name)),
  );
}

/** Principal `id`. Throws `CatalogError('NOT_FOUND')`. */
export async function getPrincipal(db: CatalogDb, id: string): Promise<PrincipalInfo> {
  const principal = await findPrincipal(db, id);
  if (principal === undefined) throw new CatalogError('NOT_FOUND', `principal '${id}' does not exist`);
  return principal;
}

/** Principal `id`, or `undefined`. */
export function findPrincipal(db: CatalogDb, id: string): Promise<PrincipalInfo | undefined> {
  return db.run(async ({ orm, tables: { Principals } }) => {
    const [row] = await orm.select().from(Principals).where(eq(Principals.id, id)).limit(1);
    return row;
  });
}

/**
 * Sets the console role of user `id`. Audited as `principal.set_role` (with the old and new role). Throws
 * `CatalogError` `NOT_FOUND`, or `INVALID_NAME` for a service principal or an unknown role.
 */
export function setUserRole(db: CatalogDb, actor: Actor, id: string, role: UserRole): Promise<PrincipalInfo> {
  const next = parseRole(role);
  return db.transaction(async (tx) => {
    const principal = await getPrincipal(tx, id);
    if (principal.kind !== 'user') {
      throw new CatalogError(
        'INVALID_NAME',
        `principal '${id}' is a service principal; only users have roles`,
      );
    }
    const now = Date.now();
    await tx.orm.update(tx.tables.Principals).set({ role: next }).where(eq(tx.tables.Principals.id, id));
    await recordChange(
      tx,
      actor,
      {
        action: 'principal.set_role',
        targetType: 'principal',
        target: id,
        details: { from: principal.role, to: next },
      },
      now,
    );
    return { ...principal, role: next };
  });
}

/**
 * Disables (or re-enables) principal `id`: a disabled principal is refused by every ingest node and by
 * `canWrite`, whatever its grants and credentials. Audited as `principal.disable` or `principal.enable`.
 * Throws `CatalogError('NOT_FOUND')`.
 */
export function setPrincipalDisabled(
  db: CatalogDb,
  actor: Actor,
  id: string,
  disabled: boolean,
): Promise<PrincipalInfo> {
  return db.transaction(async (tx) => {
    const principal = await getPrincipal(tx, id);
    const now = Date.now();
    await tx.orm.update(tx.tables.Principals).set({ disabled }).where(eq(tx.tables.Principals.id, id));
    await recordChange(
      tx,
      actor,
      { action: disabled ? 'principal.disable' : 'principal.enable', targetType: 'principal', target: id },
      now,
    );
    return { ...principal, disabled };
  });
}

/**
 * Checks that the actor is an enabled user whose role is at least `minimum` (viewer < editor < admin): the
 * console's procedures call it before a change. The system actor passes. Throws `CatalogError('FORBIDDEN')`
 * saying what is missing.
 */
export async function assertRole(db: CatalogDb, actor: Actor, minimum: UserRole): Promise<void> {
  if (actor.principalId === SYSTEM_ACTOR.principalId) return;
  const principal = await findPrincipal(db, actor.principalId);
  if (principal === undefined)
    throw new CatalogError('FORBIDDEN', `unknown principal '${actor.principalId}'`);
  if (principal.disabled) throw new CatalogError('FORBIDDEN', `principal '${principal.name}' is disabled`);
  if (principal.role === null) {
    throw new CatalogError(
      'FORBIDDEN',
      `'${principal.name}' is a service principal and cannot use the console`,
    );
  }
  if (USER_ROLES.indexOf(principal.role) < USER_ROLES.indexOf(minimum)) {
    throw new CatalogError(
      'FORBIDDEN',
      `'${principal.name}' has the ${principal.role} role; this needs ${minimum}`,
    );
  }
}

/* ── Rename and delete ─────────────────────────────────────────────────────────────────────────────────── */

/**
 * Renames principal `id` to `newName`, validated as at creation (a service principal's name by
 * `servicePrincipalNameProblem`, lower-cased; a user's 1 to 255 characters). Its id, grants and credentials
 * stay. Audited as `principal.rename`. Throws `CatalogError` `INVALID_NAME`, `NOT_FOUND` or `ALREADY_EXISTS`.
 */
export function renamePrincipal(
  db: CatalogDb,
  actor: Actor,
  id: string,
  newName: string,
): Promise<PrincipalInfo> {
  return db.transaction(async (tx) => {
    const { Principals } = tx.tables;
    const principal = await getPrincipal(tx, id);
    const name =
      principal.kind === 'service' ? parseServicePrincipalName(newName) : parsePrincipalName(newName);
    const [sameName] = await tx.orm
      .select({ id: Principals.id })
      .from(Principals)
      .where(and(eq(Principals.name, name), ne(Principals.id, id)))
      .limit(1);
    if (sameName !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `a principal named '${name}' already exists`);
    }
    await tx.orm.update(Principals).set({ name }).where(eq(Principals.id, id));
    await recordChange(
      tx,
      actor,
      {
        action: 'principal.rename',
        targetType: 'principal',
        target: id,
        details: { from: principal.name, to: name },
      },
      Date.now(),
    );
    return { ...principal, name };
  });
}

/** What deleting a principal removed with it. */
export interface DeletedPrincipal {
  readonly principal: PrincipalInfo;
  readonly grantsRemoved: number;
  readonly credentialsRemoved: number;
}

/**
 * Deletes principal `id` with the grants it holds and its credentials, in one transaction (the console's own
 * rows of it — password, sessions, API tokens — go by their foreign keys). The actor cannot delete
 * themselves, and the last enabled admin cannot be deleted: someone must be left to run the console. Audited
 * as `principal.delete`. Throws `CatalogError` `NOT_FOUND` or `FORBIDDEN` (yourself, the last admin).
 */
export function deletePrincipal(db: CatalogDb, actor: Actor, id: string): Promise<DeletedPrincipal> {
  return db.transaction(async (tx) => {
    const { Credentials, Grants, Principals } = tx.tables;
    const principal = await getPrincipal(tx, id);
    if (principal.role === 'admin' && !principal.disabled && (await otherAdmins(tx, id)) === 0) {
      throw new CatalogError(
        'FORBIDDEN',
        `'${principal.name}' is the last admin; give another user the admin role first`,
      );
    }
    if (id === actor.principalId) {
      throw new CatalogError('FORBIDDEN', `'${principal.name}' cannot delete themselves; ask another admin`);
    }
    const grants = await tx.orm.delete(Grants).where(eq(Grants.principalId, id)).returning({ id: Grants.id });
    const credentials = await tx.orm
      .delete(Credentials)
      .where(eq(Credentials.principalId, id))
      .returning({ id: Credentials.id });
    await tx.orm.delete(Principals).where(eq(Principals.id, id));
    const removed = { grantsRemoved: grants.length, credentialsRemoved: credentials.length };
    await recordChange(
      tx,
      actor,
      {
        action: 'principal.delete',
        targetType: 'principal',
        target: id,
        details: { kind: principal.kind, name: principal.name, role: principal.role, ...removed },
      },
      Date.now(),
    );
    return { principal, ...removed };
  });
}

/** How many enabled admins there are besides principal `id`. */
async function otherAdmins(db: CatalogDb, id: string): Promise<number> {
  return db.run(async ({ orm, tables: { Principals } }) => {
    const [row] = await orm
      .select({ n: count() })
      .from(Principals)
      .where(and(eq(Principals.role, 'admin'), eq(Principals.disabled, false), ne(Principals.id, id)));
    return Number(row?.n ?? 0);
  });
}
