import type { TableInfo } from '@lakestream/catalog';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createTable, getTable, listTables, parseColumns } from '../catalog';
import { ProtoSchemaError, protoFromSchema } from '../proto-from-schema';
import { sdkSnippets } from '../sdk-snippets';
import { authedProcedure, createTRPCRouter, editorProcedure, provisionAfterChange } from '../trpc';

const tableName = z.string().min(1).max(800);

/** The `.proto` of a table, or BAD_REQUEST saying which column has no protobuf form. */
function protoOf(table: TableInfo): string {
  try {
    return protoFromSchema(table.name, table.deltaSchema);
  } catch (error) {
    if (error instanceof ProtoSchemaError)
      throw new TRPCError({ code: 'BAD_REQUEST', message: error.message });
    throw error;
  }
}

/** Tables: list and search, one with its schema, create (nested types), the `.proto` and SDK snippets. */
export const tablesRouter = createTRPCRouter({
  /** Tables (of catalog or schema `scope`), whose name contains `search` (case-insensitive), by name. */
  list: authedProcedure
    .input(
      z.object({ scope: z.string().min(1).optional(), search: z.string().max(255).optional() }).optional(),
    )
    .query(({ ctx, input }) => {
      const search = input?.search?.trim().toLowerCase() ?? '';
      return listTables(ctx.services.db, input?.scope).filter((t) => t.name.includes(search));
    }),

  /** Table `name` with its columns and Delta schema. */
  get: authedProcedure
    .input(z.object({ name: tableName }))
    .query(({ ctx, input }) => getTable(ctx.services.db, input.name)),

  /** Creates a table with its columns (Delta types, nested structs/arrays/maps; editor). */
  create: editorProcedure
    .input(
      z.object({
        name: tableName,
        // Checked by the catalog's own rules, whose errors name the column path in words.
        columns: z.array(z.unknown()).min(1, 'a table needs at least one column'),
        comment: z.string().max(1000).optional(),
        location: z.string().min(1).optional(),
        properties: z.record(z.string(), z.string()).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const created = createTable(ctx.services.db, ctx.actor, {
        name: input.name,
        columns: parseColumns(input.columns),
        ...(input.comment === undefined ? {} : { comment: input.comment }),
        ...(input.location === undefined ? {} : { location: input.location }),
        ...(input.properties === undefined ? {} : { properties: input.properties }),
      });
      provisionAfterChange(ctx);
      return created;
    }),

  /** The proto2 definition producers send as their descriptor (Zerobus conventions). */
  proto: authedProcedure
    .input(z.object({ name: tableName }))
    .query(({ ctx, input }) => ({ proto: protoOf(getTable(ctx.services.db, input.name)) })),

  /** SDK snippets (TypeScript, Python, Rust) with this deployment's endpoint and the table. */
  snippets: authedProcedure.input(z.object({ name: tableName })).query(({ ctx, input }) => {
    const table = getTable(ctx.services.db, input.name);
    const { ingestEndpoint, publicUrl } = ctx.services.env;
    return {
      endpoint: ingestEndpoint,
      workspaceUrl: publicUrl,
      ...sdkSnippets(table.name, table.deltaSchema, ingestEndpoint, publicUrl),
    };
  }),
});
