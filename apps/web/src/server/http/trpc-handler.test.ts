import { listAuditLog } from '@lakestream/catalog';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestServices, seedUsers, type TestServices } from '../../../test/support/services';
import { createTrpcHandler } from './trpc-handler';

let t: TestServices;
let handler: (request: Request) => Promise<Response>;
beforeEach(async () => {
  t = await openTestServices();
  await seedUsers(t.services);
  handler = createTrpcHandler(async () => t.services);
});
afterEach(() => t.close());

const signIn = (headers: Record<string, string>) =>
  handler(
    new Request('http://127.0.0.1:3000/api/trpc/auth.signIn', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email: 'admin@example.com', password: 'password-admin' }),
    }),
  );

describe('the /api/trpc route handler', () => {
  it('serves a same-origin mutation, sets the session cookie, and the cookie authenticates a query', async () => {
    const response = await signIn({ origin: 'http://127.0.0.1:3000' });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^lakestream_session=/);
    const me = await handler(
      new Request('http://127.0.0.1:3000/api/trpc/auth.me', { headers: { cookie: cookie.split(';')[0]! } }),
    );
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ result: { data: { id: 'admin', role: 'admin' } } });
  });

  it('refuses a mutation from another origin, without an Origin, or marked cross-site (403)', async () => {
    for (const headers of [
      { origin: 'https://evil.example' },
      {},
      { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'cross-site' },
      { origin: 'http://localhost:3001' },
    ]) {
      const response = await signIn(headers);
      expect(response.status).toBe(403);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
  });

  it('records each CSRF refusal in the audit log, with the origin and the reason', async () => {
    await signIn({ origin: 'https://evil.example' });
    expect((await listAuditLog(t.services.db, { limit: 1 }))[0]).toMatchObject({
      action: 'auth.refused',
      actorId: 'anonymous',
      targetType: 'request',
      target: '/api/trpc/auth.signIn',
      details: { status: 403, kind: 'csrf', origin: 'https://evil.example' },
    });
    expect((await listAuditLog(t.services.db, { limit: 1 }))[0]?.details.reason).toMatch(/evil\.example/);
  });

  it('answers a query sent by POST (inputs too large for a URL) from the console only', async () => {
    const cookie = (await signIn({ origin: 'http://127.0.0.1:3000' })).headers
      .get('set-cookie')!
      .split(';')[0]!;
    const columns = Array.from({ length: 400 }, (_, i) => ({
      name: `column_with_a_long_name_${i}`,
      type: 'string',
    }));
    const preview = (origin: Record<string, string>) =>
      handler(
        new Request('http://127.0.0.1:3000/api/trpc/tables.schemaPreview', {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, ...origin },
          body: JSON.stringify({ name: 'main.sales.wide', columns }),
        }),
      );
    const answered = await preview({ origin: 'http://127.0.0.1:3000' });
    expect(answered.status).toBe(200);
    const body = (await answered.json()) as { result: { data: { proto: string } } };
    expect(body.result.data.proto).toContain('optional string column_with_a_long_name_399 = 400;');
    expect((await preview({ origin: 'https://evil.example' })).status).toBe(403);
  });

  it('refuses a bad input (400) in sentences that name each field, not zod’s "✖ … → at email" layout', async () => {
    const response = await handler(
      new Request('http://127.0.0.1:3000/api/trpc/auth.signIn', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:3000' },
        body: JSON.stringify({ email: 'not-an-email', password: 'x' }),
      }),
    );
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string } };
    expect(error.message).toBe("'email' must be an email address.");
  });

  it('refuses a mutation by GET and an anonymous query', async () => {
    const input = encodeURIComponent(JSON.stringify({ name: 'x' }));
    const byGet = await handler(
      new Request(`http://127.0.0.1:3000/api/trpc/principals.createServicePrincipal?input=${input}`),
    );
    expect(byGet.status).toBe(405);
    const anon = await handler(new Request('http://127.0.0.1:3000/api/trpc/tables.list'));
    expect(anon.status).toBe(401);
  });
});
