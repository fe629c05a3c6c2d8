import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAuditLog } from './audit.js';
import { type CatalogErrorCode, isCatalogError } from './catalog-error.js';
import {
  createCredential,
  getCredential,
  listCredentials,
  revokeCredential,
  rotateCredential,
  verifyClientSecret,
} from './credentials.js';
import type { OpenCatalog } from './open-catalog.js';
import { setPrincipalDisabled } from './principals.js';
import { ADMIN, seededCatalog } from './test-support/seed.js';
import { sqlRows } from './test-support/test-catalog.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await seededCatalog();
});
afterEach(() => catalog.close());

async function refusal(promise: Promise<unknown> | (() => unknown), code: CatalogErrorCode): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (isCatalogError(error, code)) return error.message;
    throw error;
  }
  throw new Error(`expected ${code}`);
}

describe('credentials', () => {
  test('the secret is returned once and stored only as a salted scrypt hash', async () => {
    const a = await createCredential(catalog.db, ADMIN, 'svc');
    const b = await createCredential(catalog.db, ADMIN, 'svc');
    expect(a.clientId).toMatch(/^lsc-[0-9a-f]{20}$/);
    expect(a.clientSecret).toMatch(/^lss_[A-Za-z0-9_-]{43}$/);
    expect(a.clientSecret).not.toBe(b.clientSecret);
    const rows = await sqlRows(catalog.db, sql`select * from credentials`);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.secret_hash).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
    }
    const dump = JSON.stringify(rows) + JSON.stringify(await listAuditLog(catalog.db));
    expect(dump).not.toContain(a.clientSecret);
    expect(dump).not.toContain(a.clientSecret.slice(4, 20));
    expect(rows[0]!.secret_hash).not.toBe(rows[1]!.secret_hash);
    // What the console reads back: never the secret or its hash, only a hint.
    const info = await getCredential(catalog.db, a.clientId);
    expect(JSON.stringify(info)).not.toContain('scrypt');
    expect(info.secretHint).toBe(a.clientSecret.slice(-4));
    expect(info).toMatchObject({
      principalId: 'svc',
      status: 'active',
      lastUsedAt: null,
      createdBy: 'admin',
    });
  });

  test('a good secret verifies and records when and from where it was last used', async () => {
    const { clientId, clientSecret } = await createCredential(catalog.db, ADMIN, 'svc');
    const used = await verifyClientSecret(catalog.db, clientId, clientSecret, {
      now: 1_000,
      address: '192.0.2.7',
    });
    expect(used).toMatchObject({
      clientId,
      principalId: 'svc',
      lastUsedAt: 1_000,
      lastUsedFrom: '192.0.2.7',
    });
    expect(await getCredential(catalog.db, clientId)).toMatchObject({
      lastUsedAt: 1_000,
      lastUsedFrom: '192.0.2.7',
    });
  });

  test('a wrong secret or unknown client is INVALID_CREDENTIAL, without saying which, and not recorded', async () => {
    const { clientId, clientSecret } = await createCredential(catalog.db, ADMIN, 'svc');
    const wrong = await refusal(
      verifyClientSecret(catalog.db, clientId, `${clientSecret}x`),
      'INVALID_CREDENTIAL',
    );
    const unknown = await refusal(
      verifyClientSecret(catalog.db, 'lsc-nope', clientSecret),
      'INVALID_CREDENTIAL',
    );
    expect(wrong).toBe(unknown);
    expect(await refusal(verifyClientSecret(catalog.db, clientId, ''), 'INVALID_CREDENTIAL')).toBe(wrong);
    expect((await getCredential(catalog.db, clientId)).lastUsedAt).toBeNull();
  });

  test('an expired credential is EXPIRED', async () => {
    const expiresAt = Date.now() + 3_600_000;
    const { clientId, clientSecret } = await createCredential(catalog.db, ADMIN, 'svc', { expiresAt });
    await verifyClientSecret(catalog.db, clientId, clientSecret, { now: expiresAt - 1 });
    expect(
      await refusal(verifyClientSecret(catalog.db, clientId, clientSecret, { now: expiresAt }), 'EXPIRED'),
    ).toBe(`credential '${clientId}' expired at ${new Date(expiresAt).toISOString()}`);
    expect((await getCredential(catalog.db, clientId, expiresAt)).status).toBe('expired');
    // The refusal says the time in words (ISO-8601), not in milliseconds since the epoch.
    const past = Date.UTC(2020, 0, 2, 3, 4, 5);
    const refused = await refusal(createCredential(catalog.db, ADMIN, 'svc', { expiresAt: past }), 'EXPIRED');
    expect(refused).toMatch(
      /^the expiry must be in the future: 2020-01-02T03:04:05\.000Z has passed \(it is now \d{4}-/,
    );
    expect(refused).not.toContain(String(past));
  });

  test('a revoked credential is REVOKED, even with the right secret', async () => {
    const { clientId, clientSecret } = await createCredential(catalog.db, ADMIN, 'svc');
    const info = await revokeCredential(catalog.db, ADMIN, clientId);
    expect(info).toMatchObject({ status: 'revoked', revokedBy: 'admin' });
    expect(await refusal(verifyClientSecret(catalog.db, clientId, clientSecret), 'REVOKED')).toBe(
      `credential '${clientId}' is revoked`,
    );
    expect(
      await refusal(async () => await revokeCredential(catalog.db, ADMIN, clientId), 'REVOKED'),
    ).toContain('already revoked');
    expect(await refusal(rotateCredential(catalog.db, ADMIN, clientId), 'REVOKED')).toContain('is revoked');
  });

  test('rotation keeps the client id, invalidates the old secret and accepts the new one', async () => {
    const first = await createCredential(catalog.db, ADMIN, 'svc');
    const second = await rotateCredential(catalog.db, ADMIN, first.clientId);
    expect(second.clientId).toBe(first.clientId);
    expect(second.clientSecret).not.toBe(first.clientSecret);
    await refusal(verifyClientSecret(catalog.db, first.clientId, first.clientSecret), 'INVALID_CREDENTIAL');
    await verifyClientSecret(catalog.db, first.clientId, second.clientSecret);
    const info = await getCredential(catalog.db, first.clientId);
    expect(info.rotatedAt).not.toBeNull();
    expect(info.secretHint).toBe(second.clientSecret.slice(-4));
  });

  test('an expired credential rotates only with a new expiry', async () => {
    const expiresAt = Date.now() + 3_600_000;
    const { clientId } = await createCredential(catalog.db, ADMIN, 'svc', { expiresAt });
    await sqlRows(catalog.db, sql`update credentials set expires_at = 1 where id = ${clientId}`);
    expect(await refusal(rotateCredential(catalog.db, ADMIN, clientId), 'EXPIRED')).toContain(
      'give a new expiry',
    );
    const rotated = await rotateCredential(catalog.db, ADMIN, clientId, { expiresAt });
    expect(rotated.expiresAt).toBe(expiresAt);
    await verifyClientSecret(catalog.db, clientId, rotated.clientSecret, { now: expiresAt - 1 });
  });

  test('a disabled principal cannot use its credentials', async () => {
    const { clientId, clientSecret } = await createCredential(catalog.db, ADMIN, 'svc');
    await setPrincipalDisabled(catalog.db, ADMIN, 'svc', true);
    expect(await refusal(verifyClientSecret(catalog.db, clientId, clientSecret), 'FORBIDDEN')).toContain(
      'disabled',
    );
  });

  test('unknown principals and clients are NOT_FOUND; listing filters by principal', async () => {
    expect(await refusal(createCredential(catalog.db, ADMIN, 'ghost'), 'NOT_FOUND')).toBe(
      "principal 'ghost' does not exist",
    );
    expect(await refusal(rotateCredential(catalog.db, ADMIN, 'lsc-x'), 'NOT_FOUND')).toBe(
      "credential 'lsc-x' does not exist",
    );
    const { clientId } = await createCredential(catalog.db, ADMIN, 'svc');
    expect((await listCredentials(catalog.db, { principalId: 'svc' })).map((c) => c.clientId)).toEqual([
      clientId,
    ]);
    expect(await listCredentials(catalog.db, { principalId: 'admin' })).toEqual([]);
  });
});
