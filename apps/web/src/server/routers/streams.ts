import { z } from 'zod';
import { listStreamHistory } from '../catalog';
import { readChart } from '../streams/chart-source';
import { CHART_WINDOW_NAMES } from '../streams/chart-view';
import { LIVE_WINDOWS } from '../streams/live-view';
import { authedProcedure, createTRPCRouter } from '../trpc';

/** Live streams of every registered ingest node, as rates (see `stream-sampler.ts`). */
export const streamsRouter = createTRPCRouter({
  /**
   * The last `windowSeconds` (60, 300 or 900) of the background sampling of every node's streams, of every
   * table or of `table`: nodes (reachable or the error), totals, per-table and per-stream points (oldest
   * first) with records/s, bytes/s, errors/s, ack p50/p99, in-flight bytes and, per table, publish lag. Points
   * are one sampling interval apart (`intervalMs`); the UI polls this every 1–2 s. Never fails on a node.
   */
  live: authedProcedure
    .input(
      z.object({
        windowSeconds: z.union(LIVE_WINDOWS.map((w) => z.literal(w))),
        table: z.string().max(800).optional(),
      }),
    )
    .query(({ ctx, input }) => ctx.services.streamSampler.view(input.windowSeconds, input.table)),

  /**
   * The charts' series over `window` (`1m` … `15m` from the 1 s sampling, `1h`, `6h`, `24h` from the
   * catalog's minute history, which survives a console restart): the total, each table and node (or, with
   * `table`, that table and its streams), each point with records/s, bytes/s, errors/s, ack p99, publish lag,
   * time to table and WAL backlog. A window the console does not offer is BAD_REQUEST.
   */
  chart: authedProcedure
    .input(
      z.object({
        window: z.enum(CHART_WINDOW_NAMES),
        table: z.string().max(800).optional(),
      }),
    )
    .query(({ ctx, input }) => readChart(ctx.services, input.window, input.table)),

  /**
   * Streams that ended on any node, newest end first (`LAKESTREAM_STREAM_HISTORY_DAYS` of them, read by the
   * sampler): node, table, principal, credential, start and end, records, bytes, last acked offset, final
   * status and message. Filtered by `table`, `outcome` (`failed`: an error status; `ok`: OK or cancelled by
   * the client), `principalId`, `credentialId`; paged with `beforeId`; at most `limit` (default 100).
   */
  history: authedProcedure
    .input(
      z
        .object({
          table: z.string().max(800).optional(),
          outcome: z.enum(['failed', 'ok']).optional(),
          principalId: z.string().min(1).max(200).optional(),
          credentialId: z.string().min(1).max(200).optional(),
          beforeId: z.number().int().positive().optional(),
          limit: z.number().int().min(1).max(500).default(100),
        })
        .default({ limit: 100 }),
    )
    .query(({ ctx, input }) => listStreamHistory(ctx.services.db, input)),
});
