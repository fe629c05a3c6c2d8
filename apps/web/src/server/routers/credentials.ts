import { z } from 'zod';
import {
  createCredential,
  getCredential,
  lastStreamErrors,
  listCredentials,
  revokeCredential,
  rotateCredential,
} from '../catalog';
import { adminProcedure, authedProcedure, createTRPCRouter, provisionAfterChange } from '../trpc';

const clientId = z.string().min(1).max(128);

/** OAuth clients of principals: the secret is returned once, by create and rotate, never listed. */
export const credentialsRouter = createTRPCRouter({
  /**
   * Credentials (of principal `principalId`), without secrets: hint, status, last use, and `lastError`: the
   * last stream written with it that failed (when, table, status, message), from the stream history; null
   * when none failed within the history's retention.
   */
  list: authedProcedure
    .input(z.object({ principalId: z.string().min(1).optional() }).optional())
    .query(async ({ ctx, input }) => {
      const credentials = await listCredentials(
        ctx.services.db,
        input?.principalId === undefined ? {} : { principalId: input.principalId },
      );
      const errors = await lastStreamErrors(
        ctx.services.db,
        credentials.map((c) => c.clientId),
      );
      return credentials.map((c) => {
        const e = errors.get(c.clientId);
        return {
          ...c,
          lastError:
            e === undefined ? null : { at: e.endedAt, table: e.table, status: e.status, message: e.message },
        };
      });
    }),

  /** Credential `clientId`, without its secret. */
  get: authedProcedure
    .input(z.object({ clientId }))
    .query(({ ctx, input }) => getCredential(ctx.services.db, input.clientId)),

  /** Issues a client id and secret for a principal, optionally expiring (admin). The only time it is shown. */
  create: adminProcedure
    .input(z.object({ principalId: z.string().min(1), expiresAt: z.number().int().positive().optional() }))
    .mutation(async ({ ctx, input }) => {
      const issued = await createCredential(
        ctx.services.db,
        ctx.actor,
        input.principalId,
        input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt },
      );
      provisionAfterChange(ctx);
      return issued;
    }),

  /** A new secret for the same client id; the old one stops working at once (admin). Shown once. */
  rotate: adminProcedure
    .input(z.object({ clientId, expiresAt: z.number().int().positive().optional() }))
    .mutation(async ({ ctx, input }) => {
      const issued = await rotateCredential(
        ctx.services.db,
        ctx.actor,
        input.clientId,
        input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt },
      );
      provisionAfterChange(ctx);
      return issued;
    }),

  /** Revokes a credential: no new tokens, and ingest nodes refuse its tokens after the push (admin). */
  revoke: adminProcedure.input(z.object({ clientId })).mutation(async ({ ctx, input }) => {
    const revoked = await revokeCredential(ctx.services.db, ctx.actor, input.clientId);
    provisionAfterChange(ctx);
    return revoked;
  }),
});
