import { z } from 'zod';
import { LIVE_WINDOWS } from '../live-view';
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
});
