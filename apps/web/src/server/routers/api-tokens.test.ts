import { listAuditLog } from '@lakestream/catalog';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveRoute } from '../../../test/support/route-server';
import { callerAs, openTestServices, seedUsers, type TestServices } from '../../../test/support/services';
import { createApiToken } from '../auth/api-tokens';
import { createSession, SESSION_COOKIE } from '../auth/sessions';
import { getPrincipal } from '../catalog';
import { createTrpcHandler } from '../http/trpc-handler';

let t: TestServices;
let server: { url: string; close(): Promise<void> };
const as = (id: string) => callerAs(t.services, id).caller;

beforeEach(async () => {
  t = await openTestServices();
  await seedUsers(t.services);
  server = await serveRoute(createTrpcHandler(async () => t.services));
});
afterEach(async () => {
  await server.close();
  await t.close();
});

/** A CLI's call: plain fetch with only the bearer token (no cookie, no Origin). */
async function call(
  token: string,
  procedure: string,
  input?: unknown,
  method: 'GET' | 'POST' = input === undefined ? 'GET' : 'POST',
): Promise<{ status: number; body: { result?: { data: unknown }; error?: { message: string } } }> {
  const response = await fetch(`${server.url}/api/trpc/${procedure}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: JSON.stringify(input ?? {}) } : {}),
  });
  return { status: response.status, body: (await response.json()) as never };
}

describe('API tokens', () => {
  it('are shown once, listed with last use, and work over HTTP without a cookie or Origin', async () => {
    const created = await as('admin').apiTokens.create({ name: 'terraform', role: 'admin' });
    expect(created.token).toMatch(/^lsk_[0-9a-f]{20}_[A-Za-z0-9_-]{43}$/);
    const listed = await as('admin').apiTokens.list();
    expect(listed).toEqual([
      expect.objectContaining({ name: 'terraform', role: 'admin', status: 'active', lastUsedAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.token.slice(-20));

    const made = await call(created.token, 'catalogs.create', { name: 'lake' });
    expect(made).toMatchObject({
      status: 200,
      body: { result: { data: { name: 'lake', createdBy: 'admin' } } },
    });
    const read = await call(created.token, 'catalogs.list');
    expect(read.status).toBe(200);
    expect((await as('admin').apiTokens.list())[0]).toMatchObject({
      lastUsedFrom: null,
      lastUsedAt: expect.any(Number),
    });
    expect((await listAuditLog(t.services.db, { limit: 2 })).map((e) => e.action)).toEqual([
      'catalog.create',
      'api_token.create',
    ]);
  });

  it('a viewer-scoped token reads but cannot call an editor or admin procedure, nor mint tokens', async () => {
    const { token } = await as('admin').apiTokens.create({ name: 'dashboards', role: 'viewer' });
    expect((await call(token, 'principals.list')).status).toBe(200);
    expect(await call(token, 'catalogs.create', { name: 'lake' })).toMatchObject({
      status: 403,
      body: { error: { message: 'this API token has the viewer role; this needs editor' } },
    });
    expect((await call(token, 'principals.delete', { id: 'viewer' })).status).toBe(403);
    expect(await call(token, 'apiTokens.create', { name: 'more', role: 'viewer' })).toMatchObject({
      status: 403,
      body: { error: { message: 'an API token cannot do this; sign in to the console' } },
    });
    expect((await listAuditLog(t.services.db, { limit: 1 }))[0]).toMatchObject({
      action: 'auth.refused',
      actorId: 'admin',
    });
  });

  it('a role above the user own is refused; a demoted user shrinks their tokens', async () => {
    await expect(as('viewer').apiTokens.create({ name: 'x', role: 'editor' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: "'viewer@example.com' has the viewer role; a token cannot have the higher editor role",
    });
    const { token } = await as('editor').apiTokens.create({ name: 'ci', role: 'editor' });
    expect((await call(token, 'catalogs.create', { name: 'lake' })).status).toBe(200);
    await as('admin').principals.setRole({ id: 'editor', role: 'viewer' });
    expect((await call(token, 'catalogs.create', { name: 'other' })).status).toBe(403);
  });

  it('revoked, expired, malformed and unknown tokens are refused (401) in words; a cookie does not rescue them', async () => {
    const { token, info } = await as('admin').apiTokens.create({ name: 'old', role: 'admin' });
    await as('admin').apiTokens.revoke({ id: info.id });
    expect(await call(token, 'catalogs.list')).toMatchObject({
      status: 401,
      body: { error: { message: "API token 'old' is revoked" } },
    });
    const past = Date.now() - 10_000;
    const admin = await getPrincipal(t.services.db, 'admin');
    const expired = await createApiToken(
      t.services.db,
      admin,
      { name: 'short', role: 'viewer', expiresAt: past + 1000 },
      past,
    );
    expect(await call(expired.token, 'catalogs.list')).toMatchObject({
      status: 401,
      body: { error: { message: expect.stringMatching(/^API token 'short' expired at \d{4}-/) } },
    });
    for (const bad of [
      'nope',
      `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      `lsk_${'0'.repeat(20)}_${'A'.repeat(43)}`,
    ]) {
      expect(await call(bad, 'catalogs.list')).toMatchObject({
        status: 401,
        body: { error: { message: 'invalid API token' } },
      });
    }
    // A valid session cookie sent along does not rescue a refused bearer: only the token counts.
    const session = await createSession(t.services.db, t.services.sessionSecret, 'admin', null);
    const withCookie = await fetch(`${server.url}/api/trpc/catalogs.list`, {
      headers: { authorization: `Bearer ${token}`, cookie: `${SESSION_COOKIE}=${session.token}` },
    });
    expect(withCookie.status).toBe(401);
    await expect(as('admin').apiTokens.revoke({ id: info.id })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(as('viewer').apiTokens.revoke({ id: expired.info.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      as('admin').apiTokens.create({ name: 'past', role: 'viewer', expiresAt: Date.now() - 1 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('go with their user', async () => {
    const { token } = await as('editor').apiTokens.create({ name: 'ci', role: 'viewer' });
    await as('admin').principals.delete({ id: 'editor' });
    expect((await call(token, 'catalogs.list')).status).toBe(401);
  });
});
