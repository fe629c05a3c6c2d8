import type { PrincipalInfo } from '@lakestream/catalog';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { passwordProblem } from '../../password-rule';
import { checkPassword, setPassword } from '../auth/passwords';
import {
  clearSessionCookie,
  createSession,
  deleteSession,
  deleteSessionsOf,
  sessionCookie,
} from '../auth/sessions';
import { ANONYMOUS, createUser, listPrincipals, recordEvent } from '../catalog';
import { hasAdmin } from '../services';
import {
  authedProcedure,
  type Context,
  createTRPCRouter,
  provisionAfterChange,
  publicProcedure,
} from '../trpc';

const email = z.email().transform((s) => s.trim().toLowerCase());
/** A new password, by the console's rule (`password-rule.ts`). */
const password = z.string().superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** What the console shows of the signed-in user. */
function toMe(user: PrincipalInfo) {
  return { id: user.id, name: user.name, role: user.role };
}

async function startSession(ctx: Context, principalId: string): Promise<void> {
  const { token, expiresAt } = await createSession(
    ctx.services.db,
    ctx.services.sessionSecret,
    principalId,
    ctx.address,
  );
  ctx.setCookie(sessionCookie(token, expiresAt, ctx.services.env.publicUrl.startsWith('https:')));
}

/** Sign-in with e-mail and password, sign-out, the current user, and first-run setup. */
export const authRouter = createTRPCRouter({
  /** Whether first-run setup is needed (no admin yet) and who is signed in. */
  status: publicProcedure.query(async ({ ctx }) => ({
    needsSetup: !(await hasAdmin(ctx.services.db)),
    user: ctx.user === null ? null : toMe(ctx.user),
  })),

  /** First run only: creates the first admin and signs them in. FORBIDDEN once an admin exists. */
  setup: publicProcedure.input(z.object({ email, password })).mutation(async ({ ctx, input }) => {
    if (await hasAdmin(ctx.services.db)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'the console is already set up; sign in instead' });
    }
    const admin = await createUser(
      ctx.services.db,
      { principalId: 'system', address: ctx.address },
      { name: input.email, role: 'admin' },
    );
    await setPassword(ctx.services.db, admin.id, input.password);
    await startSession(ctx, admin.id);
    provisionAfterChange(ctx);
    return toMe(admin);
  }),

  /**
   * Signs in; the same UNAUTHORIZED words for an unknown e-mail, a wrong password or a disabled user.
   * TOO_MANY_REQUESTS after 10 failures of one e-mail from one address within 15 minutes.
   */
  signIn: publicProcedure
    .input(z.object({ email, password: z.string().max(1024) }))
    .mutation(async ({ ctx, input }) => {
      const throttle = ctx.services.signInThrottle;
      const key = `${input.email}|${ctx.address ?? ''}`;
      const wait = throttle.retryAfter(key);
      const failed = async (reason: string, principalId = ANONYMOUS) =>
        await recordEvent(
          ctx.services.db,
          { principalId, address: ctx.address },
          {
            action: 'auth.sign_in_failed',
            targetType: 'principal',
            target: input.email,
            details: { reason },
          },
        );
      if (wait > 0) {
        await failed('too many failed sign-ins: throttled');
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `too many failed sign-ins; try again in ${Math.ceil(wait / 60_000)} min`,
        });
      }
      const user = (await listPrincipals(ctx.services.db)).find(
        (p) => p.kind === 'user' && p.name === input.email,
      );
      const ok = await checkPassword(ctx.services.db, user?.id ?? '', input.password);
      if (user === undefined || !ok || user.disabled) {
        throttle.failed(key);
        // The audit log (admins only) says which; the caller only hears "wrong e-mail or password".
        if (user === undefined) await failed('no user with this e-mail');
        else await failed(ok ? 'the user is disabled' : 'wrong password', user.id);
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong e-mail or password' });
      }
      throttle.succeeded(key);
      await startSession(ctx, user.id);
      await recordEvent(
        ctx.services.db,
        { principalId: user.id, address: ctx.address },
        { action: 'auth.sign_in', targetType: 'principal', target: user.id, details: { email: user.name } },
      );
      return toMe(user);
    }),

  /** Ends the session of the request's cookie (if any) and clears the cookie. */
  signOut: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken !== null)
      await deleteSession(ctx.services.db, ctx.services.sessionSecret, ctx.sessionToken);
    ctx.setCookie(clearSessionCookie(ctx.services.env.publicUrl.startsWith('https:')));
    return { signedOut: true };
  }),

  /** The signed-in user. */
  me: authedProcedure.query(({ ctx }) => toMe(ctx.user)),

  /**
   * Changes the signed-in user's password (the current one is required); their other sessions end and this
   * one is renewed. Audited as the event `auth.password_change`.
   */
  changePassword: authedProcedure
    .input(z.object({ currentPassword: z.string().max(1024), newPassword: password }))
    .mutation(async ({ ctx, input }) => {
      if (!(await checkPassword(ctx.services.db, ctx.user.id, input.currentPassword))) {
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the current password is wrong' });
      }
      await setPassword(ctx.services.db, ctx.user.id, input.newPassword);
      await deleteSessionsOf(ctx.services.db, ctx.user.id);
      await startSession(ctx, ctx.user.id);
      await recordEvent(ctx.services.db, ctx.actor, {
        action: 'auth.password_change',
        targetType: 'principal',
        target: ctx.user.id,
        details: { email: ctx.user.name },
      });
      return { changed: true };
    }),
});

/** The password rule, shared with the principals router. */
export const passwordSchema = password;
/** The e-mail rule (trimmed, lower-cased), shared with the principals router. */
export const emailSchema = email;
