import { servicePrincipalNameProblem } from '@lakestream/catalog/contract';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { setPassword } from '../auth/passwords';
import { deleteSessionsOf } from '../auth/sessions';
import {
  createServicePrincipal,
  createUser,
  deletePrincipal,
  getPrincipal,
  listPrincipals,
  principalImpact,
  recordEvent,
  renamePrincipal,
  setPrincipalDisabled,
  setUserRole,
  USER_ROLES,
} from '../catalog';
import { adminProcedure, authedProcedure, createTRPCRouter, provisionAfterChange } from '../trpc';
import { emailSchema, passwordSchema } from './auth';

const id = z.string().min(1).max(128);

/** A service principal's name by the catalog's rule (`servicePrincipalNameProblem`), lower-cased. */
const servicePrincipalName = z
  .string()
  .transform((name) => name.toLowerCase())
  .superRefine((name, ctx) => {
    const problem = servicePrincipalNameProblem(name);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Users (console roles) and service principals (producers). Changes are for admins. */
export const principalsRouter = createTRPCRouter({
  /** Every principal (of `kind`, when given), by name. */
  list: authedProcedure
    .input(z.object({ kind: z.enum(['user', 'service']).optional() }).optional())
    .query(async ({ ctx, input }) =>
      (await listPrincipals(ctx.services.db)).filter(
        (p) => input?.kind === undefined || p.kind === input.kind,
      ),
    ),

  /** Principal `id`. */
  get: authedProcedure
    .input(z.object({ id }))
    .query(({ ctx, input }) => getPrincipal(ctx.services.db, input.id)),

  /** Creates a console user with a role and an initial password (admin). */
  createUser: adminProcedure
    .input(z.object({ email: emailSchema, role: z.enum(USER_ROLES), password: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const user = await createUser(ctx.services.db, ctx.actor, { name: input.email, role: input.role });
      await setPassword(ctx.services.db, user.id, input.password);
      provisionAfterChange(ctx);
      return user;
    }),

  /** Creates a service principal, the identity of a producer application (admin). */
  createServicePrincipal: adminProcedure
    .input(z.object({ name: servicePrincipalName }))
    .mutation(async ({ ctx, input }) => {
      const principal = await createServicePrincipal(ctx.services.db, ctx.actor, { name: input.name });
      provisionAfterChange(ctx);
      return principal;
    }),

  /** Sets a user's console role (admin). An admin cannot demote themselves (there would be no way back). */
  setRole: adminProcedure
    .input(z.object({ id, role: z.enum(USER_ROLES) }))
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.user.id && input.role !== 'admin') {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'you cannot take the admin role from yourself' });
      }
      const principal = await setUserRole(ctx.services.db, ctx.actor, input.id, input.role);
      provisionAfterChange(ctx);
      return principal;
    }),

  /** Disables or re-enables a principal (admin); a disabled user's sessions end, nodes refuse its tokens. */
  setDisabled: adminProcedure
    .input(z.object({ id, disabled: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.user.id && input.disabled) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'you cannot disable yourself' });
      }
      const principal = await setPrincipalDisabled(ctx.services.db, ctx.actor, input.id, input.disabled);
      if (input.disabled) await deleteSessionsOf(ctx.services.db, input.id);
      provisionAfterChange(ctx);
      return principal;
    }),

  /** Sets a user's password (admin); their sessions end. Audited as the event `auth.password_set`. */
  setPassword: adminProcedure
    .input(z.object({ id, password: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const principal = await getPrincipal(ctx.services.db, input.id);
      if (principal.kind !== 'user') {
        throw new TRPCError({ code: 'BAD_REQUEST', message: `'${principal.name}' is a service principal` });
      }
      await setPassword(ctx.services.db, principal.id, input.password);
      await deleteSessionsOf(ctx.services.db, principal.id);
      await recordEvent(ctx.services.db, ctx.actor, {
        action: 'auth.password_set',
        targetType: 'principal',
        target: principal.id,
        details: { email: principal.name },
      });
      return { changed: true };
    }),

  /** What deleting principal `id` affects, for its confirmation: the grants it holds and its credentials. */
  deleteImpact: adminProcedure
    .input(z.object({ id }))
    .query(({ ctx, input }) => principalImpact(ctx.services.db, input.id)),

  /** Renames a principal (admin), validated like a new one; its id, grants and credentials stay. */
  rename: adminProcedure
    .input(z.object({ id, name: z.string().min(1).max(255) }))
    .mutation(async ({ ctx, input }) => {
      const principal = await renamePrincipal(ctx.services.db, ctx.actor, input.id, input.name);
      provisionAfterChange(ctx);
      return principal;
    }),

  /**
   * Deletes a principal with its grants and credentials (admin); a user's password, sessions and API tokens
   * go too. FORBIDDEN for yourself and for the last admin.
   */
  delete: adminProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const deleted = await deletePrincipal(ctx.services.db, ctx.actor, input.id);
    provisionAfterChange(ctx);
    return deleted;
  }),
});
