import { randomBytes } from 'node:crypto';
import type { PrincipalInfo, UserRole } from '@lakestream/catalog';
import { and, asc, eq } from 'drizzle-orm';
import { CatalogError, hashSecret, USER_ROLES, verifySecret } from '../catalog';
import { type WebDb, webTables } from './web-store';

/*
 * Personal API tokens: a console user's credential for automation (a CLI, Terraform), sent as
 * `Authorization: Bearer <token>` to the tRPC HTTP API instead of a session cookie. A token reads
 * `lsk_<id: 20 hex digits>_<secret: 43 base64url characters>` (256 random bits); only its id and a slow hash of
 * the whole token are stored, so it is shown once, when created. Its role (its scope) is at most its user's
 * role when created, and at each use the lower of the two counts: a demoted user's tokens shrink with them.
 */

const TOKEN = /^lsk_([0-9a-f]{20})_([A-Za-z0-9_-]{43})$/;
/** The longest a token may live: one year. */
export const MAX_API_TOKEN_LIFETIME_MS = 366 * 86_400_000;

/** Whether a token can be used now. */
export type ApiTokenStatus = 'active' | 'expired' | 'revoked';

/** A token as its user lists it: never the secret nor its hash. */
export interface ApiTokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: UserRole;
  readonly status: ApiTokenStatus;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly lastUsedAt: number | null;
  readonly lastUsedFrom: string | null;
}

type Row = ReturnType<typeof webTables>['WebApiTokens']['$inferSelect'];

function toInfo(row: Row, now: number): ApiTokenInfo {
  const status: ApiTokenStatus =
    row.revokedAt !== null
      ? 'revoked'
      : row.expiresAt !== null && row.expiresAt <= now
        ? 'expired'
        : 'active';
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    status,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
    lastUsedFrom: row.lastUsedFrom,
  };
}

/** The weaker of two roles. */
export function weakerRole(a: UserRole, b: UserRole): UserRole {
  return USER_ROLES.indexOf(a) <= USER_ROLES.indexOf(b) ? a : b;
}

/**
 * Creates an API token named `name` for `user` with role `role` (at most the user's own), expiring at
 * `expiresAt` (ms since the epoch, in the future, within a year; none: never). Returns the token — the only
 * time it is available — and its listing. Throws `CatalogError` `INVALID_NAME` (an empty or long name),
 * `FORBIDDEN` (a role above the user's) or `EXPIRED` (an expiry not in the future, or beyond a year).
 */
export async function createApiToken(
  db: WebDb,
  user: PrincipalInfo,
  input: { name: string; role: UserRole; expiresAt?: number | undefined },
  now = Date.now(),
): Promise<{ token: string; info: ApiTokenInfo }> {
  const name = input.name.trim();
  if (name === '' || name.length > 100) {
    throw new CatalogError('INVALID_NAME', 'a token name must be 1 to 100 characters (not only spaces)');
  }
  if (user.role === null || weakerRole(user.role, input.role) !== input.role) {
    throw new CatalogError(
      'FORBIDDEN',
      `'${user.name}' has the ${user.role ?? 'no'} role; a token cannot have the higher ${input.role} role`,
    );
  }
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && (expiresAt <= now || expiresAt > now + MAX_API_TOKEN_LIFETIME_MS)) {
    throw new CatalogError(
      'EXPIRED',
      `the expiry must be in the future and within a year: ${new Date(expiresAt).toISOString()} is not (it is now ${new Date(now).toISOString()})`,
    );
  }
  const id = randomBytes(10).toString('hex');
  const token = `lsk_${id}_${randomBytes(32).toString('base64url')}`;
  const row: Row = {
    id,
    principalId: user.id,
    name,
    role: input.role,
    secretHash: await hashSecret(token),
    createdAt: now,
    expiresAt,
    revokedAt: null,
    lastUsedAt: null,
    lastUsedFrom: null,
  };
  await db.run((q) => q.orm.insert(webTables(q).WebApiTokens).values(row));
  return { token, info: toInfo(row, now) };
}

/** The API tokens of user `principalId`, oldest first, with their status at `now`. */
export async function listApiTokens(
  db: WebDb,
  principalId: string,
  now = Date.now(),
): Promise<ApiTokenInfo[]> {
  const rows = await db.run((q) => {
    const { WebApiTokens } = webTables(q);
    return q.orm
      .select()
      .from(WebApiTokens)
      .where(eq(WebApiTokens.principalId, principalId))
      .orderBy(asc(WebApiTokens.createdAt), asc(WebApiTokens.id));
  });
  return rows.map((r) => toInfo(r, now));
}

/**
 * Revokes token `id` of user `principalId` for good. Throws `CatalogError` `NOT_FOUND` (no such token of
 * this user) or `REVOKED` (already revoked).
 */
export async function revokeApiToken(
  db: WebDb,
  principalId: string,
  id: string,
  now = Date.now(),
): Promise<ApiTokenInfo> {
  return db.transaction(async (tx) => {
    const { WebApiTokens } = webTables(tx);
    const where = and(eq(WebApiTokens.id, id), eq(WebApiTokens.principalId, principalId));
    const [row] = await tx.orm.select().from(WebApiTokens).where(where).limit(1);
    if (row === undefined) throw new CatalogError('NOT_FOUND', `you have no API token '${id}'`);
    if (row.revokedAt !== null)
      throw new CatalogError('REVOKED', `API token '${row.name}' was already revoked`);
    await tx.orm.update(WebApiTokens).set({ revokedAt: now }).where(where);
    return toInfo({ ...row, revokedAt: now }, now);
  });
}

/** Who a valid bearer token speaks for, or why it is refused. */
export type BearerResult =
  | { readonly ok: true; readonly principalId: string; readonly tokenId: string; readonly role: UserRole }
  | { readonly ok: false; readonly problem: string };

/**
 * Checks API token `token` (the `Authorization: Bearer` value): its form, its hash, that it is neither
 * revoked nor expired. On success records its last use (`now`, `address`; bookkeeping, not audited).
 * Never throws for a bad token: it answers why, without telling an unknown token from a wrong secret.
 */
export async function authenticateApiToken(
  db: WebDb,
  token: string,
  address: string | null,
  now = Date.now(),
): Promise<BearerResult> {
  const invalid = { ok: false, problem: 'invalid API token' } as const;
  const id = TOKEN.exec(token)?.[1];
  if (id === undefined) return invalid;
  const [row] = await db.run((q) => {
    const { WebApiTokens } = webTables(q);
    return q.orm.select().from(WebApiTokens).where(eq(WebApiTokens.id, id)).limit(1);
  });
  if (row === undefined || !(await verifySecret(token, row.secretHash))) return invalid;
  const status = toInfo(row, now).status;
  if (status === 'revoked') return { ok: false, problem: `API token '${row.name}' is revoked` };
  if (status === 'expired') {
    return {
      ok: false,
      problem: `API token '${row.name}' expired at ${new Date(row.expiresAt!).toISOString()}`,
    };
  }
  await db.run((q) => {
    const { WebApiTokens } = webTables(q);
    return q.orm
      .update(WebApiTokens)
      .set({ lastUsedAt: now, lastUsedFrom: address })
      .where(eq(WebApiTokens.id, id));
  });
  return { ok: true, principalId: row.principalId, tokenId: row.id, role: row.role };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function readBearerToken(authorization: string | null): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}
