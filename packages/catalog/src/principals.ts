import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { type Actor, recordChange, SYSTEM_ACTOR } from './audit.js';
import { CatalogError } from './catalog-error.js';
import type { CatalogDb, CatalogExecutor } from './open-catalog.js';
import { Principals } from './schema.js';

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
): PrincipalInfo {
  const name = parsePrincipalName(input.name);
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
  return db.transaction((tx) => {
    if (findPrincipal(tx, id) !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `principal id '${id}' is taken`);
    }
    if (
      tx.select({ id: Principals.id }).from(Principals).where(eq(Principals.name, name)).get() !== undefined
    ) {
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
    tx.insert(Principals).values(row).run();
    recordChange(
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
): PrincipalInfo {
  return createPrincipal(db, actor, {
    kind: 'user',
    name: input.name,
    role: parseRole(input.role),
    id: input.id,
  });
}

/**
 * Creates a service principal (a producer application) named `name`; `id` defaults to a random UUID. Audited
 * as `principal.create`. Throws `CatalogError` `INVALID_NAME` or `ALREADY_EXISTS` (id or name).
 */
export function createServicePrincipal(
  db: CatalogDb,
  actor: Actor,
  input: { name: string; id?: string },
): PrincipalInfo {
  return createPrincipal(db, actor, { kind: 'service', name: input.name, role: null, id: input.id });
}

/** Every principal, by name. */
export function listPrincipals(db: CatalogExecutor): PrincipalInfo[] {
  return db.select().from(Principals).orderBy(asc(Principals.name)).all();
}

/** Principal `id`. Throws `CatalogError('NOT_FOUND')`. */
export function getPrincipal(db: CatalogExecutor, id: string): PrincipalInfo {
  const principal = findPrincipal(db, id);
  if (principal === undefined) throw new CatalogError('NOT_FOUND', `principal '${id}' does not exist`);
  return principal;
}

/** Principal `id`, or `undefined`. */
export function findPrincipal(db: CatalogExecutor, id: string): PrincipalInfo | undefined {
  return db.select().from(Principals).where(eq(Principals.id, id)).get();
}

/**
 * Sets the console role of user `id`. Audited as `principal.set_role` (with the old and new role). Throws
 * `CatalogError` `NOT_FOUND`, or `INVALID_NAME` for a service principal or an unknown role.
 */
export function setUserRole(db: CatalogDb, actor: Actor, id: string, role: UserRole): PrincipalInfo {
  const next = parseRole(role);
  return db.transaction((tx) => {
    const principal = getPrincipal(tx, id);
    if (principal.kind !== 'user') {
      throw new CatalogError(
        'INVALID_NAME',
        `principal '${id}' is a service principal; only users have roles`,
      );
    }
    const now = Date.now();
    tx.update(Principals).set({ role: next }).where(eq(Principals.id, id)).run();
    recordChange(
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
): PrincipalInfo {
  return db.transaction((tx) => {
    const principal = getPrincipal(tx, id);
    const now = Date.now();
    tx.update(Principals).set({ disabled }).where(eq(Principals.id, id)).run();
    recordChange(
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
export function assertRole(db: CatalogExecutor, actor: Actor, minimum: UserRole): void {
  if (actor.principalId === SYSTEM_ACTOR.principalId) return;
  const principal = findPrincipal(db, actor.principalId);
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
