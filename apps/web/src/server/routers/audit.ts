import { z } from 'zod';
import { listAuditLog } from '../catalog';
import { adminProcedure, createTRPCRouter } from '../trpc';

/** The audit log of catalog changes (admins: it shows who did what from where). */
export const auditRouter = createTRPCRouter({
  /** Newest first, filtered by target, actor; page with `beforeId`. */
  list: adminProcedure
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(500).default(100),
          beforeId: z.number().int().positive().optional(),
          targetType: z.enum(['catalog', 'schema', 'table', 'principal', 'grant', 'credential']).optional(),
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
