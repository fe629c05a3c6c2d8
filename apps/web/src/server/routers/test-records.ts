import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { canWrite, getTable } from '../catalog';
import { isDeltaError, resolveTableLocation } from '../delta/delta';
import { listIngestTargets } from '../test-records/ingest-targets';
import { sendTestRecord } from '../test-records/send-test-record';
import { authedProcedure, createTRPCRouter } from '../trpc';

const tableName = z.string().min(1).max(800);

/**
 * Test records ("contract check"): one record sent from the console through the producers' own path — a
 * Zerobus stream to an ingest node, as the signed-in user — and the node's answer field by field.
 */
export const testRecordsRouter = createTRPCRouter({
  /** Where a test record may go: the producers' endpoint first, then each registered node still beating. */
  targets: authedProcedure.query(async ({ ctx }) =>
    (await listIngestTargets(ctx.services)).map((t) => ({
      id: t.id,
      endpoint: t.endpoint,
      nodeId: t.nodeId ?? null,
    })),
  ),

  /**
   * Whether the signed-in user may send test records to table `name`: the catalog's `canWrite` for them
   * (MODIFY, USE_CATALOG, USE_SCHEMA by grants; console roles play no part, as on the nodes), with the reason.
   */
  access: authedProcedure
    .input(z.object({ name: tableName }))
    .query(({ ctx, input }) => canWrite(ctx.services.db, ctx.user.id, input.name)),

  /**
   * Sends `record` (JSON text, at most 1 MiB) to table `name` at `target` (`endpoint` by default) and answers
   * `sendTestRecord`'s result: refused with the node's status and the field it names, or acked with the
   * offset, the node, and each column's stored value once the row is readable (bounded wait). FORBIDDEN, in a
   * sentence, when the user may not write to the table; NOT_FOUND for an unknown table or target. The record
   * lands in the real table.
   */
  send: authedProcedure
    .input(
      z.object({
        name: tableName,
        record: z
          .string()
          .min(1)
          .max(1024 * 1024),
        target: z.string().min(1).max(300).default('endpoint'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const table = await getTable(ctx.services.db, input.name);
      const decision = await canWrite(ctx.services.db, ctx.user.id, table.name);
      if (!decision.allowed) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: `You may not send records to ${table.name}: ${decision.reason}. Ask an editor to grant you MODIFY on the table (and USE_CATALOG, USE_SCHEMA above it).`,
        });
      }
      const target = (await listIngestTargets(ctx.services)).find((t) => t.id === input.target);
      if (target === undefined) {
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `no ingest target '${input.target}' (it may have left)`,
        });
      }
      let location: string;
      try {
        location = resolveTableLocation(table.storageLocation, ctx.services.env.tablesDir);
      } catch (error) {
        if (isDeltaError(error))
          throw new TRPCError({ code: 'BAD_REQUEST', message: `table ${table.name}: ${error.message}` });
        throw error;
      }
      return sendTestRecord({
        services: ctx.services,
        actor: ctx.actor,
        table,
        location,
        target,
        record: input.record,
      });
    }),
});
