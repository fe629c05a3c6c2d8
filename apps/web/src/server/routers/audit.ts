import { z } from 'zod';
import { listAuditLog } from '../catalog';
import { adminProcedure, createTRPCRouter } from '../trpc';

/**
 * The audit log (admins: it shows who did what from where): catalog changes, and events — sign-ins and failed
 * sign-ins, refused requests (403, CSRF), tokens issued and refused, streams cut by a revocation, alert rule
 * changes.
 */
export const auditRouter = createTRPCRouter({
  /** Newest first, filtered by target (a table's includes the grants on it), actor; page with `beforeId`. */
  list: adminProcedure
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(500).default(100),
          beforeId: z.number().int().positive().optional(),
          targetType: z
            .enum([
              'catalog',
              'schema',
              'table',
              'principal',
              'grant',
              'credential',
              'api_token',
              'request',
              'alert_rule',
            ])
            .optional(),
          target: z.string().min(1).optional(),
          actorId: z.string().min(1).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => {
      const { limit = 100, beforeId, targetType, target, actorId } = input ?? {};
      return listAuditLog(ctx.services.db, {
        limit,
        ...(beforeId === undefined ? {} : { beforeId }),
        ...(targetType === undefined ? {} : { targetType }),
        ...(target === undefined ? {} : { target }),
        ...(actorId === undefined ? {} : { actorId }),
      });
    }),
});
