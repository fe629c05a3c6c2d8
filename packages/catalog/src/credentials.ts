import { randomBytes } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { type Actor, recordChange } from './audit.js';
import { CatalogError } from './catalog-error.js';
import type { CatalogDb, CatalogTables } from './db/catalog-db.js';
import { getPrincipal } from './principals.js';
import { hashSecret, verifySecret } from './secret-hash.js';

/*
 * OAuth client credentials (client id + client secret) of principals, for the control plane's token endpoint
 * (client credentials grant). The secret is returned once, when created or rotated, and stored only as a slow
 * hash (secret-hash.ts). A credential is active until it expires or is revoked; rotating replaces the secret
 * (the old one stops working at once) and keeps the client id.
 */

/** Client ids read `lsc-<20 hex digits>`: no underscore, so they are also valid producer-token ids. */
const CLIENT_ID_PREFIX = 'lsc-';
/** Client secrets read `lss_<43 base64url characters>` (256 random bits); the prefix helps secret scanners. */
const SECRET_PREFIX = 'lss_';

/** A new secret, returned once: the caller must show it and forget it. */
export interface IssuedSecret {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly expiresAt: number | null;
}

/** Whether a credential can be used now. */
export type CredentialStatus = 'active' | 'expired' | 'revoked';

/** A credential as the console lists it: never the secret nor its hash. */
export interface CredentialInfo {
  readonly clientId: string;
  readonly principalId: string;
  readonly kind: 'oauth_client';
  /** The last four characters of the current secret. */
  readonly secretHint: string;
  readonly status: CredentialStatus;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly rotatedAt: number | null;
  readonly revokedAt: number | null;
  readonly revokedBy: string | null;
  readonly lastUsedAt: number | null;
  readonly lastUsedFrom: string | null;
}

type CredentialRow = CatalogTables['Credentials']['$inferSelect'];

/** `revoked` when revoked, else `expired` when `expiresAt <= now`, else `active`. */
export function credentialStatus(
  credential: { revokedAt: number | null; expiresAt: number | null },
  now: number,
): CredentialStatus {
  if (credential.revokedAt !== null) return 'revoked';
  if (credential.expiresAt !== null && credential.expiresAt <= now) return 'expired';
  return 'active';
}

function toInfo(row: CredentialRow, now: number): CredentialInfo {
  return {
    clientId: row.id,
    principalId: row.principalId,
    kind: row.kind,
    secretHint: row.secretHint,
    status: credentialStatus(row, now),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    rotatedAt: row.rotatedAt,
    revokedAt: row.revokedAt,
    revokedBy: row.revokedBy,
    lastUsedAt: row.lastUsedAt,
    lastUsedFrom: row.lastUsedFrom,
  };
}

function newSecret(): { secret: string; hint: string } {
  const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hint: secret.slice(-4) };
}

function findRow(db: CatalogDb, clientId: string): Promise<CredentialRow | undefined> {
  return db.run(async ({ orm, tables: { Credentials } }) => {
    const [row] = await orm.select().from(Credentials).where(eq(Credentials.id, clientId)).limit(1);
    return row;
  });
}

async function requireRow(db: CatalogDb, clientId: string): Promise<CredentialRow> {
  const row = await findRow(db, clientId);
  if (row === undefined) throw new CatalogError('NOT_FOUND', `credential '${clientId}' does not exist`);
  return row;
}

/** Refuses an expiry that is not a time, or not in the future, saying both times in ISO-8601 UTC. */
function checkExpiry(expiresAt: number | undefined, now: number): void {
  if (expiresAt === undefined) return;
  const when = new Date(expiresAt);
  if (!Number.isSafeInteger(expiresAt) || Number.isNaN(when.getTime())) {
    throw new CatalogError('EXPIRED', `the expiry must be a date and time, got ${String(expiresAt)}`);
  }
  if (expiresAt <= now) {
    throw new CatalogError(
      'EXPIRED',
      `the expiry must be in the future: ${when.toISOString()} has passed (it is now ${new Date(now).toISOString()})`,
    );
  }
}

/**
 * Issues a new OAuth client for principal `principalId`, optionally expiring at `expiresAt` (ms since the
 * epoch). Returns the client id and the secret — the only time the secret is ever available. Audited as
 * `credential.create` (without the secret). Throws `CatalogError` `NOT_FOUND` (principal) or `EXPIRED` (an
 * expiry not in the future).
 */
export async function createCredential(
  db: CatalogDb,
  actor: Actor,
  principalId: string,
  options: { expiresAt?: number } = {},
): Promise<IssuedSecret> {
  checkExpiry(options.expiresAt, Date.now());
  await getPrincipal(db, principalId);
  const { secret, hint } = newSecret();
  const hash = await hashSecret(secret);
  const clientId = `${CLIENT_ID_PREFIX}${randomBytes(10).toString('hex')}`;
  const expiresAt = options.expiresAt ?? null;
  await db.transaction(async (tx) => {
    await getPrincipal(tx, principalId); // again: it may have gone while the hash was computed
    const now = Date.now();
    await tx.orm.insert(tx.tables.Credentials).values({
      id: clientId,
      principalId,
      secretHash: hash,
      secretHint: hint,
      createdBy: actor.principalId,
      createdAt: now,
      expiresAt,
    });
    await recordChange(
      tx,
      actor,
      {
        action: 'credential.create',
        targetType: 'credential',
        target: clientId,
        details: { principalId, expiresAt },
      },
      now,
    );
  });
  return { clientId, clientSecret: secret, expiresAt };
}

/**
 * Replaces the secret of client `clientId` with a new one, returned once; the old secret stops working at
 * once. `expiresAt` sets a new expiry (otherwise the old one stays). Audited as `credential.rotate`. Throws
 * `CatalogError` `NOT_FOUND`, `REVOKED`, or `EXPIRED` (expired and no new expiry given, or a new expiry not in
 * the future).
 */
export async function rotateCredential(
  db: CatalogDb,
  actor: Actor,
  clientId: string,
  options: { expiresAt?: number } = {},
): Promise<IssuedSecret> {
  checkExpiry(options.expiresAt, Date.now());
  const checkUsable = (row: CredentialRow, now: number) => {
    const status = credentialStatus(
      { revokedAt: row.revokedAt, expiresAt: options.expiresAt ?? row.expiresAt },
      now,
    );
    if (status === 'revoked')
      throw new CatalogError('REVOKED', `credential '${clientId}' is revoked; issue a new one`);
    if (status === 'expired') {
      throw new CatalogError(
        'EXPIRED',
        `credential '${clientId}' has expired; give a new expiry to rotate it`,
      );
    }
  };
  checkUsable(await requireRow(db, clientId), Date.now());
  const { secret, hint } = newSecret();
  const hash = await hashSecret(secret);
  return db.transaction(async (tx) => {
    const { Credentials } = tx.tables;
    const row = await requireRow(tx, clientId);
    const now = Date.now();
    checkUsable(row, now);
    const expiresAt = options.expiresAt ?? row.expiresAt;
    await tx.orm
      .update(Credentials)
      .set({ secretHash: hash, secretHint: hint, rotatedAt: now, expiresAt })
      .where(eq(Credentials.id, clientId));
    await recordChange(
      tx,
      actor,
      {
        action: 'credential.rotate',
        targetType: 'credential',
        target: clientId,
        details: { principalId: row.principalId, expiresAt },
      },
      now,
    );
    return { clientId, clientSecret: secret, expiresAt };
  });
}

/**
 * Revokes client `clientId` for good. Audited as `credential.revoke`. Throws `CatalogError` `NOT_FOUND` or
 * `REVOKED` (already revoked).
 */
export function revokeCredential(db: CatalogDb, actor: Actor, clientId: string): Promise<CredentialInfo> {
  return db.transaction(async (tx) => {
    const { Credentials } = tx.tables;
    const row = await requireRow(tx, clientId);
    if (row.revokedAt !== null) {
      throw new CatalogError('REVOKED', `credential '${clientId}' was already revoked`);
    }
    const now = Date.now();
    await tx.orm
      .update(Credentials)
      .set({ revokedAt: now, revokedBy: actor.principalId })
      .where(eq(Credentials.id, clientId));
    await recordChange(
      tx,
      actor,
      {
        action: 'credential.revoke',
        targetType: 'credential',
        target: clientId,
        details: { principalId: row.principalId },
      },
      now,
    );
    return toInfo({ ...row, revokedAt: now, revokedBy: actor.principalId }, now);
  });
}

/** A hash of nothing anyone knows: unknown client ids cost a full scrypt too, so timing tells nothing. */
let decoyHash: Promise<string> | undefined;

/**
 * Checks `clientSecret` for client `clientId` (the token endpoint's client authentication), in constant time
 * whether or not the client exists. On success records `lastUsedAt` (`now`, default the clock) and
 * `lastUsedFrom` (`address`) — bookkeeping, not a change: not audited and no new provisioning version — and
 * returns the credential. Throws `CatalogError` `INVALID_CREDENTIAL` (unknown client or wrong secret, not
 * saying which), `REVOKED`, `EXPIRED`, or `FORBIDDEN` (the principal is disabled).
 */
export async function verifyClientSecret(
  db: CatalogDb,
  clientId: string,
  clientSecret: string,
  options: { now?: number; address?: string } = {},
): Promise<CredentialInfo> {
  const before = await findRow(db, clientId);
  decoyHash ??= hashSecret(randomBytes(32).toString('base64url'));
  const ok = await verifySecret(clientSecret, before?.secretHash ?? (await decoyHash));
  const invalid = () => new CatalogError('INVALID_CREDENTIAL', 'unknown client id or wrong client secret');
  if (before === undefined || !ok) throw invalid();
  return db.transaction(async (tx) => {
    const { Credentials, Principals } = tx.tables;
    const row = await findRow(tx, clientId);
    // Rotated or removed while the hash was checked: the secret just verified is no longer the current one.
    if (row === undefined || row.secretHash !== before.secretHash) throw invalid();
    const now = options.now ?? Date.now();
    const status = credentialStatus(row, now);
    if (status === 'revoked') throw new CatalogError('REVOKED', `credential '${clientId}' is revoked`);
    if (status === 'expired') {
      throw new CatalogError(
        'EXPIRED',
        `credential '${clientId}' expired at ${new Date(row.expiresAt!).toISOString()}`,
      );
    }
    const [principal] = await tx.orm
      .select()
      .from(Principals)
      .where(eq(Principals.id, row.principalId))
      .limit(1);
    if (principal === undefined || principal.disabled) {
      throw new CatalogError(
        'FORBIDDEN',
        `principal '${row.principalId}' of credential '${clientId}' is disabled`,
      );
    }
    const lastUsedFrom = options.address ?? null;
    await tx.orm
      .update(Credentials)
      .set({ lastUsedAt: now, lastUsedFrom })
      .where(eq(Credentials.id, clientId));
    return toInfo({ ...row, lastUsedAt: now, lastUsedFrom }, now);
  });
}

/** Credential `clientId` (never its secret). Throws `CatalogError('NOT_FOUND')`. */
export async function getCredential(
  db: CatalogDb,
  clientId: string,
  now = Date.now(),
): Promise<CredentialInfo> {
  return toInfo(await requireRow(db, clientId), now);
}

/** Every credential (of principal `principalId`, when given), oldest first, with its status at `now`. */
export function listCredentials(
  db: CatalogDb,
  filter: { principalId?: string } = {},
  now = Date.now(),
): Promise<CredentialInfo[]> {
  return db.run(async ({ orm, tables: { Credentials } }) => {
    const rows = await orm
      .select()
      .from(Credentials)
      .where(filter.principalId === undefined ? undefined : eq(Credentials.principalId, filter.principalId))
      .orderBy(asc(Credentials.createdAt), asc(Credentials.id));
    return rows.map((r) => toInfo(r, now));
  });
}
