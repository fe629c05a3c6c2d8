import { getCatalogVersion } from '../catalog';
import { adminProcedure, authedProcedure, createTRPCRouter } from '../trpc';

/** The registered ingest nodes (LAKESTREAM_INGEST_NODES): provisioned version and health. */
export const nodesRouter = createTRPCRouter({
  /** Every node's state after a fresh GetStatus (nodes behind get the latest catalog on the way). */
  list: authedProcedure.query(async ({ ctx }) => {
    await ctx.services.provisioner.reconcile();
    return {
      catalogVersion: await getCatalogVersion(ctx.services.db),
      nodes: ctx.services.provisioner.states(),
    };
  }),

  /** Pushes the current catalog to every node now (admin). */
  push: adminProcedure.mutation(async ({ ctx }) => {
    await ctx.services.provisioner.notifyChanged();
    return { nodes: ctx.services.provisioner.states() };
  }),
});
