import { z } from 'zod';
import {
  createCatalog,
  createSchema,
  dropCatalog,
  dropSchema,
  listCatalogs,
  listSchemas,
  renameCatalog,
  renameSchema,
  securableImpact,
} from '../catalog';
import { checkTableLocation } from '../delta/table-location';
import {
  adminProcedure,
  authedProcedure,
  createTRPCRouter,
  editorProcedure,
  provisionAfterChange,
} from '../trpc';

const name = z.string().min(1).max(600);

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
    .mutation(async ({ ctx, input }) => {
      checkTableLocation(input.storageRoot);
      const created = await createCatalog(ctx.services.db, ctx.actor, {
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
    .mutation(async ({ ctx, input }) => {
      const created = await createSchema(ctx.services.db, ctx.actor, {
        name: input.name,
        ...(input.comment === undefined ? {} : { comment: input.comment }),
      });
      provisionAfterChange(ctx);
      return created;
    }),

  /**
   * What dropping catalog or schema `name` affects, for its confirmation: what it still holds (a drop is
   * refused until it is empty) and the grants that go with it.
   */
  dropImpact: authedProcedure
    .input(z.object({ type: z.enum(['catalog', 'schema']), name }))
    .query(({ ctx, input }) => securableImpact(ctx.services.db, input)),

  /** Renames catalog `name` to `newName` (editor); its schemas, tables and grants stay. */
  rename: editorProcedure.input(z.object({ name, newName: name })).mutation(async ({ ctx, input }) => {
    const renamed = await renameCatalog(ctx.services.db, ctx.actor, input.name, input.newName);
    provisionAfterChange(ctx);
    return renamed;
  }),

  /** Drops an empty catalog with its grants (admin); CONFLICT naming what it still holds otherwise. */
  drop: adminProcedure.input(z.object({ name })).mutation(async ({ ctx, input }) => {
    const dropped = await dropCatalog(ctx.services.db, ctx.actor, input.name);
    provisionAfterChange(ctx);
    return dropped;
  }),

  /** Renames schema `catalog.schema` within its catalog (editor); its tables and grants stay. */
  renameSchema: editorProcedure.input(z.object({ name, newName: name })).mutation(async ({ ctx, input }) => {
    const renamed = await renameSchema(ctx.services.db, ctx.actor, input.name, input.newName);
    provisionAfterChange(ctx);
    return renamed;
  }),

  /** Drops an empty schema with its grants (admin); CONFLICT naming its tables otherwise. */
  dropSchema: adminProcedure.input(z.object({ name })).mutation(async ({ ctx, input }) => {
    const dropped = await dropSchema(ctx.services.db, ctx.actor, input.name);
    provisionAfterChange(ctx);
    return dropped;
  }),
});
