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
    expect(listAuditLog(t.services.db)[0]).toMatchObject({
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
    const ctx = createContext(t.services, request, new Headers());
    expect(ctx.user?.id).toBe('editor');
    expect(ctx.address).toBe('198.51.100.7');
    const signedIn = callerAs(t.services, 'editor', token);
    expect(await signedIn.caller.auth.me()).toMatchObject({ id: 'editor' });
    await signedIn.caller.auth.signOut();
    expect(signedIn.cookies[0]).toMatch(/^lakestream_session=; .*Max-Age=0/);
    expect(createContext(t.services, request, new Headers()).user).toBeNull();
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
