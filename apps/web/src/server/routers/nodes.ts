import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { getCatalogVersion, nodeLoadHistory } from '../catalog';
import { DrainError, drainNode, registeredNodes } from '../nodes/registered-nodes';
import { adminProcedure, authedProcedure, createTRPCRouter } from '../trpc';

/** Load samples shown per node: the last hour by default, at most a day. */
const LOAD_WINDOW_MS = 3_600_000;

/**
 * The ingest nodes: the static list (LAKESTREAM_INGEST_NODES; provisioned version and health) and the nodes
 * registered by heartbeat (load, backlog, reachable); drain.
 */
export const nodesRouter = createTRPCRouter({
  /**
   * Every static node's state after a fresh GetStatus (nodes behind get the latest catalog on the way), and
   * every registered node with its last beat.
   */
  list: authedProcedure.query(async ({ ctx }) => {
    await ctx.services.provisioner.reconcile();
    const states = ctx.services.provisioner.states();
    const provisioned = new Map(states.filter((n) => n.registered).map((n) => [n.address, n.catalogVersion]));
    return {
      catalogVersion: await getCatalogVersion(ctx.services.db),
      nodes: states.filter((n) => !n.registered),
      registered: (await registeredNodes(ctx.services)).map((n) => ({
        ...n,
        /** The catalog version the node runs, as the provisioner last saw it (null: not yet reached). */
        catalogVersion: provisioned.get(n.adminAddress) ?? null,
      })),
      missedBeats: ctx.services.env.nodeMissedBeats,
    };
  }),

  /** One registered node's load samples (one per heartbeat), oldest first, over the last `windowMs`. */
  load: authedProcedure
    .input(
      z.object({
        nodeId: z.string().min(1),
        windowMs: z.number().int().min(1000).max(86_400_000).default(LOAD_WINDOW_MS),
      }),
    )
    .query(async ({ ctx, input }) => ({
      nodeId: input.nodeId,
      samples: await nodeLoadHistory(ctx.services.db, input.nodeId, Date.now() - input.windowMs),
    })),

  /** Pushes the current catalog to every node now (admin). */
  push: adminProcedure.mutation(async ({ ctx }) => {
    await ctx.services.provisioner.notifyChanged();
    return { nodes: ctx.services.provisioner.states().filter((n) => !n.registered) };
  }),

  /**
   * Drains a node (admin): `node` is a static node's admin address, or a registered node's id or admin
   * address. Its streams get `close_stream_signal` with `graceMs` (0: the node's default); it refuses new
   * streams and reports `drained` once it has nothing left to publish.
   */
  drain: adminProcedure
    .input(z.object({ node: z.string().min(1), graceMs: z.number().int().min(0).max(3_600_000).default(0) }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await drainNode(ctx.services, input.node, input.graceMs);
      } catch (error) {
        if (error instanceof DrainError) {
          throw new TRPCError({
            code: error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'BAD_GATEWAY',
            message: error.message,
          });
        }
        throw error;
      }
    }),
});
