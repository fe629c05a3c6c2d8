import { z } from 'zod';
import {
  canWrite,
  effectivePermissions,
  grantPrivilege,
  grantProducerAccess,
  listGrants,
  mayStream,
  PRIVILEGES,
  revokePrivilege,
  SECURABLE_TYPES,
} from '../catalog';
import { authedProcedure, createTRPCRouter, editorProcedure, provisionAfterChange } from '../trpc';

const securable = z.object({ type: z.enum(SECURABLE_TYPES), name: z.string().min(1).max(800) });
const grantInput = z.object({
  principalId: z.string().min(1),
  privilege: z.enum(PRIVILEGES),
  securable,
});

/** Grants of privileges on catalogs, schemas and tables, and the effective permissions they give. */
export const grantsRouter = createTRPCRouter({
  /** Every grant (of principal `principalId`), with its securable named. */
  list: authedProcedure
    .input(z.object({ principalId: z.string().min(1).optional() }).optional())
    .query(({ ctx, input }) =>
      listGrants(ctx.services.db, input?.principalId === undefined ? {} : { principalId: input.principalId }),
    ),

  /** Grants a privilege (editor). */
  grant: editorProcedure.input(grantInput).mutation(async ({ ctx, input }) => {
    const grant = await grantPrivilege(ctx.services.db, ctx.actor, input);
    provisionAfterChange(ctx);
    return grant;
  }),

  /** Revokes a privilege (editor). */
  revoke: editorProcedure.input(grantInput).mutation(async ({ ctx, input }) => {
    await revokePrivilege(ctx.services.db, ctx.actor, input);
    provisionAfterChange(ctx);
    return { revoked: true };
  }),

  /** Every privilege a principal holds on a securable, with the grant it comes from and why. */
  effective: authedProcedure
    .input(z.object({ principalId: z.string().min(1), securable }))
    .query(({ ctx, input }) => effectivePermissions(ctx.services.db, input.principalId, input.securable)),

  /**
   * Grants a principal everything a producer needs on a table (USE_CATALOG, USE_SCHEMA, SELECT, MODIFY; those
   * it lacks), in one audited transaction (editor). Returns the grants added.
   */
  grantProducerAccess: editorProcedure
    .input(z.object({ principalId: z.string().min(1), table: z.string().min(1).max(800) }))
    .mutation(async ({ ctx, input }) => {
      const added = await grantProducerAccess(ctx.services.db, ctx.actor, input);
      if (added.length > 0) provisionAfterChange(ctx);
      return added;
    }),

  /**
   * Whether a principal may stream to a table with the official SDKs, and why: the token endpoint's check of
   * what the SDK's token request asks for (USE_CATALOG, USE_SCHEMA, SELECT, MODIFY), each missing one named once.
   */
  mayStream: authedProcedure
    .input(z.object({ principalId: z.string().min(1), table: z.string().min(1).max(800) }))
    .query(({ ctx, input }) => mayStream(ctx.services.db, input.principalId, input.table)),

  /** Whether a principal may write to a table, and why (what ingest nodes will decide). */
  canWrite: authedProcedure
    .input(z.object({ principalId: z.string().min(1), table: z.string().min(1).max(800) }))
    .query(({ ctx, input }) => canWrite(ctx.services.db, input.principalId, input.table)),
});
