import { listAuditLog } from '@lakestream/catalog';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callerAs, openTestServices, seedUsers, type TestServices } from '../../../test/support/services';
import { createContext } from '../trpc';

let t: TestServices;
beforeEach(async () => {
  t = await openTestServices();
});
afterEach(() => t.close());

const tokenOf = (cookie: string | undefined) => /lakestream_session=([^;]*)/.exec(cookie ?? '')?.[1] ?? '';

describe('auth router', () => {
  it('first-run setup creates the admin once, signs them in, and is refused afterwards', async () => {
    const { caller, cookies } = callerAs(t.services, null);
    expect(await caller.auth.status()).toEqual({ needsSetup: true, user: null });
    const me = await caller.auth.setup({ email: 'Root@Example.com', password: 'correct horse' });
    expect(me).toMatchObject({ name: 'root@example.com', role: 'admin' });
    expect(cookies[0]).toMatch(
      /^lakestream_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/,
    );
    expect((await caller.auth.status()).needsSetup).toBe(false);
    await expect(
      caller.auth.setup({ email: 'x@example.com', password: 'another one' }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'the console is already set up; sign in instead',
    });
    // The refused second setup is the newest row (a 403), the admin's creation the one before.
    const [refused, created] = await listAuditLog(t.services.db);
    expect(refused).toMatchObject({ action: 'auth.refused', target: 'auth.setup', actorId: 'anonymous' });
    expect(created).toMatchObject({
      action: 'principal.create',
      fromAddress: '192.0.2.10',
    });
  });

  it('the env admin is created at start when no admin exists', async () => {
    const other = await openTestServices({
      LAKESTREAM_ADMIN_EMAIL: 'boot@example.com',
      LAKESTREAM_ADMIN_PASSWORD: 'bootstrap-pw',
    });
    try {
      const { caller } = callerAs(other.services, null);
      expect(await caller.auth.signIn({ email: 'boot@example.com', password: 'bootstrap-pw' })).toMatchObject(
        {
          role: 'admin',
        },
      );
    } finally {
      await other.close();
    }
  });

  it('signs in with the right password only, and the cookie resolves to the user through createContext', async () => {
    await seedUsers(t.services);
    const { caller, cookies } = callerAs(t.services, null);
    await expect(
      caller.auth.signIn({ email: 'editor@example.com', password: 'nope-nope' }),
    ).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'wrong e-mail or password',
    });
    await expect(
      caller.auth.signIn({ email: 'ghost@example.com', password: 'nope-nope' }),
    ).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'wrong e-mail or password',
    });
    expect(await caller.auth.signIn({ email: 'EDITOR@example.com', password: 'password-editor' })).toEqual({
      id: 'editor',
      name: 'editor@example.com',
      role: 'editor',
    });
    const token = tokenOf(cookies[0]);
    const request = new Request('http://127.0.0.1:3000/api/trpc/auth.me', {
      headers: {
        cookie: `other=1; lakestream_session=${token}`,
        'x-forwarded-for': '198.51.100.7, 10.0.0.1',
      },
    });
    const ctx = await createContext(t.services, request, new Headers());
    expect(ctx.user?.id).toBe('editor');
    expect(ctx.address).toBe('198.51.100.7');
    const signedIn = callerAs(t.services, 'editor', token);
    expect(await signedIn.caller.auth.me()).toMatchObject({ id: 'editor' });
    await signedIn.caller.auth.signOut();
    expect(signedIn.cookies[0]).toMatch(/^lakestream_session=; .*Max-Age=0/);
    expect((await createContext(t.services, request, new Headers())).user).toBeNull();
  });

  it('anonymous callers cannot read me; a disabled user cannot sign in', async () => {
    await seedUsers(t.services);
    await expect(callerAs(t.services, null).caller.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await callerAs(t.services, 'admin').caller.principals.setDisabled({ id: 'viewer', disabled: true });
    await expect(
      callerAs(t.services, null).caller.auth.signIn({
        email: 'viewer@example.com',
        password: 'password-viewer',
      }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('changes the password only with the current one', async () => {
    await seedUsers(t.services);
    const { caller } = callerAs(t.services, 'viewer');
    await expect(
      caller.auth.changePassword({ currentPassword: 'wrong', newPassword: 'a new password' }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(
      caller.auth.changePassword({ currentPassword: 'password-viewer', newPassword: 'short' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('at least 8 characters'),
    });
    await expect(
      callerAs(t.services, null).caller.auth.changePassword({
        currentPassword: 'password-viewer',
        newPassword: 'a new password',
      }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await caller.auth.changePassword({ currentPassword: 'password-viewer', newPassword: 'a new password' });
    const anon = callerAs(t.services, null).caller;
    await expect(
      anon.auth.signIn({ email: 'viewer@example.com', password: 'password-viewer' }),
    ).rejects.toThrow();
    expect(await anon.auth.signIn({ email: 'viewer@example.com', password: 'a new password' })).toMatchObject(
      {
        id: 'viewer',
      },
    );
  });

  it('throttles an e-mail after 10 failed sign-ins from one address, even with the right password', async () => {
    await seedUsers(t.services);
    const { caller } = callerAs(t.services, null);
    for (let i = 0; i < 10; i++) {
      await expect(
        caller.auth.signIn({ email: 'viewer@example.com', password: `guess-${i}` }),
      ).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    }
    await expect(
      caller.auth.signIn({ email: 'viewer@example.com', password: 'password-viewer' }),
    ).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: 'too many failed sign-ins; try again in 15 min',
    });
    expect(
      await caller.auth.signIn({ email: 'editor@example.com', password: 'password-editor' }),
    ).toMatchObject({
      id: 'editor',
    });
  });
});

describe('auth events in the audit log', () => {
  it('records sign-ins and failed sign-ins (unknown e-mail, wrong password) with the address, not the password', async () => {
    await seedUsers(t.services);
    const { caller } = callerAs(t.services, null);
    await expect(caller.auth.signIn({ email: 'ghost@example.com', password: 'secret-1' })).rejects.toThrow();
    await expect(caller.auth.signIn({ email: 'editor@example.com', password: 'secret-2' })).rejects.toThrow();
    await caller.auth.signIn({ email: 'editor@example.com', password: 'password-editor' });
    const rows = await listAuditLog(t.services.db, { limit: 3 });
    expect(rows.map((r) => [r.action, r.actorId, r.target, r.details.reason])).toEqual([
      ['auth.sign_in', 'editor', 'editor', undefined],
      ['auth.sign_in_failed', 'editor', 'editor@example.com', 'wrong password'],
      ['auth.sign_in_failed', 'anonymous', 'ghost@example.com', 'no user with this e-mail'],
    ]);
    expect(rows.every((r) => r.fromAddress === '192.0.2.10')).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(/secret-1|secret-2|password-editor/);
  });

  it('records password changes and an admin setting a password, never the passwords', async () => {
    await seedUsers(t.services);
    await callerAs(t.services, 'viewer').caller.auth.changePassword({
      currentPassword: 'password-viewer',
      newPassword: 'viewer-new-password',
    });
    await callerAs(t.services, 'admin').caller.principals.setPassword({
      id: 'editor',
      password: 'editor-new-password',
    });
    const rows = await listAuditLog(t.services.db, { limit: 2 });
    expect(rows.map((r) => [r.action, r.actorId, r.target, r.details.email])).toEqual([
      ['auth.password_set', 'admin', 'editor', 'editor@example.com'],
      ['auth.password_change', 'viewer', 'viewer', 'viewer@example.com'],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/new-password|password-viewer/);
  });

  it('records a request refused with 403 (a viewer calling an admin procedure)', async () => {
    await seedUsers(t.services);
    await expect(
      callerAs(t.services, 'viewer').caller.credentials.create({ principalId: 'viewer' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await listAuditLog(t.services.db, { limit: 1 }))[0]).toMatchObject({
      action: 'auth.refused',
      actorId: 'viewer',
      targetType: 'request',
      target: 'credentials.create',
      details: { status: 403, type: 'mutation' },
    });
  });

  it('lists a table’s grants under the table’s audit filter', async () => {
    await seedUsers(t.services);
    const admin = callerAs(t.services, 'admin').caller;
    await admin.catalogs.create({ name: 'main' });
    await admin.catalogs.createSchema({ name: 'main.sales' });
    await admin.tables.create({ name: 'main.sales.orders', columns: [{ name: 'id', type: 'long' }] });
    await admin.grants.grant({
      principalId: 'viewer',
      privilege: 'SELECT',
      securable: { type: 'table', name: 'main.sales.orders' },
    });
    const rows = await admin.audit.list({ targetType: 'table', target: 'main.sales.orders' });
    expect(rows.map((r) => r.action)).toEqual(['grant.add', 'table.create']);
  });
});
