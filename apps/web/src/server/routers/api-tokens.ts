import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/api-tokens';
import { recordEvent, USER_ROLES } from '../catalog';
import { authedProcedure, createTRPCRouter, sessionProcedure } from '../trpc';

/** Personal API tokens of the signed-in user, for automation (`Authorization: Bearer`; see api-tokens.ts). */
export const apiTokensRouter = createTRPCRouter({
  /** The user's own tokens, oldest first, with status and last use; never a secret. */
  list: authedProcedure.query(({ ctx }) => listApiTokens(ctx.services.db, ctx.user.id)),

  /**
   * Creates a token for the signed-in user (a session, not another token): `role` at most the user's own,
   * `expiresAt` (ms since the epoch) within a year. Returns the token once. Audited as `api_token.create`.
   */
  create: sessionProcedure
    .input(
      z.object({
        name: z.string().min(1).max(100),
        role: z.enum(USER_ROLES),
        expiresAt: z.number().int().positive().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const created = await createApiToken(ctx.services.db, ctx.user, input);
      await recordEvent(ctx.services.db, ctx.actor, {
        action: 'api_token.create',
        targetType: 'api_token',
        target: created.info.id,
        details: { name: created.info.name, role: created.info.role, expiresAt: created.info.expiresAt },
      });
      return created;
    }),

  /** Revokes one of the user's tokens for good. Audited as `api_token.revoke`. */
  revoke: authedProcedure
    .input(z.object({ id: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      const revoked = await revokeApiToken(ctx.services.db, ctx.user.id, input.id);
      await recordEvent(ctx.services.db, ctx.actor, {
        action: 'api_token.revoke',
        targetType: 'api_token',
        target: revoked.id,
        details: { name: revoked.name },
      });
      return revoked;
    }),
});
