import { z } from 'zod';
import { createCatalog, createSchema, listCatalogs, listSchemas } from '../catalog';
import { checkTableLocation } from '../delta/table-location';
import { authedProcedure, createTRPCRouter, editorProcedure, provisionAfterChange } from '../trpc';

/** Catalogs and schemas: the two levels above tables. */
export const catalogsRouter = createTRPCRouter({
  /** Every catalog, by name. */
  list: authedProcedure.query(({ ctx }) => listCatalogs(ctx.services.db)),

  /** The schemas of catalog `catalog`. */
  schemas: authedProcedure
    .input(z.object({ catalog: z.string().min(1) }))
    .query(({ ctx, input }) => listSchemas(ctx.services.db, input.catalog)),

  /**
   * Creates a catalog (editor). `storageRoot`, where its tables go by default, is a path or an object-store
   * URI (`az://`, `abfss://`, `s3://`); anything else is BAD_REQUEST.
   */
  create: editorProcedure
    .input(
      z.object({
        name: z.string().min(1),
        comment: z.string().max(1000).optional(),
        storageRoot: z.string().min(1).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      checkTableLocation(input.storageRoot);
      const created = createCatalog(ctx.services.db, ctx.actor, {
        name: input.name,
        ...(input.comment === undefined ? {} : { comment: input.comment }),
        ...(input.storageRoot === undefined ? {} : { storageRoot: input.storageRoot }),
      });
      provisionAfterChange(ctx);
      return created;
    }),

  /** Creates schema `catalog.schema` (editor). */
  createSchema: editorProcedure
    .input(z.object({ name: z.string().min(1), comment: z.string().max(1000).optional() }))
    .mutation(({ ctx, input }) => {
      const created = createSchema(ctx.services.db, ctx.actor, {
        name: input.name,
        ...(input.comment === undefined ? {} : { comment: input.comment }),
      });
      provisionAfterChange(ctx);
      return created;
    }),
});
