import { createHmac, randomBytes } from 'node:crypto';
import { and, eq, gt, lte } from 'drizzle-orm';
import { type WebDb, webTables } from './web-store';

/** The session cookie's name. */
export const SESSION_COOKIE = 'lakestream_session';
/** Sessions last 7 days. */
export const SESSION_TTL_MS = 7 * 86_400_000;

function tokenHash(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('base64url');
}

/** Starts a session for user `principalId`: returns the cookie's token (stored only as its HMAC). */
export function createSession(
  db: WebDb,
  secret: string,
  principalId: string,
  address: string | null,
  now = Date.now(),
): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + SESSION_TTL_MS;
  return db.transaction(async (tx) => {
    const { WebSessions } = webTables(tx);
    await tx.orm.delete(WebSessions).where(lte(WebSessions.expiresAt, now));
    await tx.orm
      .insert(WebSessions)
      .values({ tokenHash: tokenHash(secret, token), principalId, createdAt: now, expiresAt, address });
    return { token, expiresAt };
  });
}

/** The user id of live session `token`, or undefined (unknown or expired). */
export async function findSession(
  db: WebDb,
  secret: string,
  token: string,
  now = Date.now(),
): Promise<string | undefined> {
  const [row] = await db.run((q) => {
    const { WebSessions } = webTables(q);
    return q.orm
      .select({ principalId: WebSessions.principalId })
      .from(WebSessions)
      .where(and(eq(WebSessions.tokenHash, tokenHash(secret, token)), gt(WebSessions.expiresAt, now)))
      .limit(1);
  });
  return row?.principalId;
}

/** Ends session `token` (sign out); unknown tokens are ignored. */
export async function deleteSession(db: WebDb, secret: string, token: string): Promise<void> {
  await db.run((q) => {
    const { WebSessions } = webTables(q);
    return q.orm.delete(WebSessions).where(eq(WebSessions.tokenHash, tokenHash(secret, token)));
  });
}

/** Ends every session of user `principalId` (password change, disabling). */
export async function deleteSessionsOf(db: WebDb, principalId: string): Promise<void> {
  await db.run((q) => {
    const { WebSessions } = webTables(q);
    return q.orm.delete(WebSessions).where(eq(WebSessions.principalId, principalId));
  });
}

/** A `Set-Cookie` value for session `token` (HttpOnly, SameSite=Lax, Secure on https). */
export function sessionCookie(token: string, expiresAt: number, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

/** A `Set-Cookie` value clearing the session cookie. */
export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The session token in a `Cookie` header, if any. */
export function readSessionCookie(cookieHeader: string | null): string | undefined {
  if (cookieHeader === null) return undefined;
  for (const part of cookieHeader.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}
