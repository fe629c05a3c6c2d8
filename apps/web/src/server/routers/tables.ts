import type { TableInfo } from '@lakestream/catalog';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  addColumns,
  createTable,
  dropTable,
  formatTableName,
  getTable,
  isCatalogError,
  listSchemaVersions,
  listTables,
  parseColumns,
  parseTableName,
  renameTable,
  securableImpact,
  toDeltaSchema,
} from '../catalog';
import { deleteTableData } from '../delta/delete-table-data';
import { isDeltaError, resolveTableLocation } from '../delta/delta';
import { readTableHistory } from '../delta/table-history';
import { checkTableLocation } from '../delta/table-location';
import { readTablePreview } from '../delta/table-preview';
import { descriptorFileName, descriptorFromSchema } from '../schema/descriptor-from-schema';
import { ProtoSchemaError, protoFromSchema } from '../schema/proto-from-schema';
import { sdkSnippets } from '../schema/sdk-snippets';
import {
  adminProcedure,
  authedProcedure,
  createTRPCRouter,
  editorProcedure,
  provisionAfterChange,
} from '../trpc';

const tableName = z.string().min(1).max(800);
// Checked by the catalog's own rules, whose errors name the column path in words.
const columns = z.array(z.unknown()).min(1, 'a table needs at least one column');

/** `make()` of a table's protobuf form, or BAD_REQUEST saying which column has none. */
function protoForm<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof ProtoSchemaError)
      throw new TRPCError({ code: 'BAD_REQUEST', message: error.message });
    throw error;
  }
}

/** A schema preview the catalog's rules refuse, with the reason in its words. */
function refusedPreview(reason: string): { valid: false; reason: string } {
  return { valid: false, reason };
}

/** The `.proto` of a table, or BAD_REQUEST saying which column has no protobuf form. */
function protoOf(table: TableInfo): string {
  return protoForm(() => protoFromSchema(table.name, table.deltaSchema));
}

/**
 * `read(location)` of table `table`'s Delta log, where the catalog's location resolves (delta's
 * `resolveTableLocation`: relative ones under `tablesDir`, `LAKESTREAM_TABLES_DIR`; object stores as they are,
 * with credentials from the SDKs' environment variables). A location delta does not support is BAD_REQUEST; a
 * log it cannot read is INTERNAL_SERVER_ERROR naming the table, with packages/delta's words.
 */
export async function readDelta<T>(
  table: TableInfo,
  tablesDir: string,
  read: (directory: string) => Promise<T>,
): Promise<T> {
  try {
    return await read(resolveTableLocation(table.storageLocation, tablesDir));
  } catch (error) {
    if (isDeltaError(error, 'UNSUPPORTED_LOCATION'))
      throw new TRPCError({ code: 'BAD_REQUEST', message: `table ${table.name}: ${error.message}` });
    if (isDeltaError(error)) {
      throw new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: `table ${table.name}: ${error.message}`,
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Tables: list and search, one with its schema, create (nested types) and its live preview, the `.proto`,
 * the descriptor and SDK snippets; the Delta history and newest rows of what was ingested.
 */
export const tablesRouter = createTRPCRouter({
  /** Tables (of catalog or schema `scope`), whose name contains `search` (case-insensitive), by name. */
  list: authedProcedure
    .input(
      z.object({ scope: z.string().min(1).optional(), search: z.string().max(255).optional() }).optional(),
    )
    .query(async ({ ctx, input }) => {
      const search = input?.search?.trim().toLowerCase() ?? '';
      return (await listTables(ctx.services.db, input?.scope)).filter((t) => t.name.includes(search));
    }),

  /** Table `name` with its columns and Delta schema. */
  get: authedProcedure
    .input(z.object({ name: tableName }))
    .query(({ ctx, input }) => getTable(ctx.services.db, input.name)),

  /**
   * Creates a table with its columns (Delta types, nested structs/arrays/maps; editor), at `location` when
   * given: a path, `file:`, `az://`, `abfss://` or `s3://` (anything else is BAD_REQUEST).
   */
  create: editorProcedure
    .input(
      z.object({
        name: tableName,
        columns,
        comment: z.string().max(1000).optional(),
        location: z.string().min(1).optional(),
        properties: z.record(z.string(), z.string()).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      checkTableLocation(input.location);
      const created = await createTable(ctx.services.db, ctx.actor, {
        name: input.name,
        columns: parseColumns(input.columns),
        ...(input.comment === undefined ? {} : { comment: input.comment }),
        ...(input.location === undefined ? {} : { location: input.location }),
        ...(input.properties === undefined ? {} : { properties: input.properties }),
      });
      provisionAfterChange(ctx);
      return created;
    }),

  /**
   * Adds nullable columns at the end of table `name` (editor, like `create`): the table's next schema
   * version, pushed to the ingest nodes, whose next commit widens the Delta table. A NOT NULL column, a name
   * the table has (a type change), or a malformed column is BAD_REQUEST/CONFLICT in the catalog's words;
   * columns cannot be removed, renamed or retyped.
   */
  addColumns: editorProcedure
    .input(z.object({ name: tableName, columns: z.array(z.unknown()).min(1, 'add at least one column') }))
    .mutation(async ({ ctx, input }) => {
      const table = await addColumns(ctx.services.db, ctx.actor, input.name, parseColumns(input.columns));
      provisionAfterChange(ctx);
      return table;
    }),

  /** The versions of table `name`'s schema, oldest first: number, change, all columns, who and when. */
  schemaVersions: authedProcedure
    .input(z.object({ name: tableName }))
    .query(({ ctx, input }) => listSchemaVersions(ctx.services.db, input.name)),

  /**
   * What `create` would make of `name` and `columns`, without creating anything (the column editor's live
   * preview, asked at each keystroke; editor): `{valid: true}` with the Delta schema and the `.proto`, or
   * `{valid: false, reason}` — a bad name or column in the catalog's words naming the column path — answered
   * like a valid one (200), so that typing does not log failed requests. A schema without a protobuf form is
   * still a valid table (JSON streams fill it): then `proto` is '' and `protoError` names the column. Whether
   * the schema exists and the name is free is checked by `create` only.
   */
  schemaPreview: editorProcedure
    .input(z.object({ name: tableName, columns: z.array(z.unknown()) }))
    .query(({ input }) => {
      if (input.columns.length === 0) return refusedPreview('a table needs at least one column');
      try {
        const name = formatTableName(parseTableName(input.name));
        const deltaSchema = toDeltaSchema(parseColumns(input.columns));
        try {
          return {
            valid: true as const,
            proto: protoFromSchema(name, deltaSchema),
            protoError: null,
            deltaSchema,
          };
        } catch (error) {
          if (!(error instanceof ProtoSchemaError)) throw error;
          return { valid: true as const, proto: '', protoError: error.message, deltaSchema };
        }
      } catch (error) {
        if (isCatalogError(error, 'INVALID_NAME') || isCatalogError(error, 'INVALID_TYPE'))
          return refusedPreview(error.message);
        throw error;
      }
    }),

  /**
   * The serialized `google.protobuf.DescriptorProto` of the table's record message, base64 — what the SDKs
   * send as `descriptor_proto` — and a file name for it (`orders.desc`). BAD_REQUEST for a schema without a
   * protobuf form (naming the column).
   */
  descriptor: authedProcedure.input(z.object({ name: tableName })).query(async ({ ctx, input }) => {
    const table = await getTable(ctx.services.db, input.name);
    const bytes = protoForm(() => descriptorFromSchema(table.name, table.deltaSchema));
    return { fileName: descriptorFileName(table.name), base64: Buffer.from(bytes).toString('base64') };
  }),

  /**
   * The table's Delta commits, newest first (`limit`, default 50): version, time, operation, data files,
   * rows and bytes added, the writing node's txn appId. `exists: false` while it has no Delta log (nothing
   * ingested yet); `location` is where it looked (a directory or an object-store URI).
   */
  history: authedProcedure
    .input(z.object({ name: tableName, limit: z.number().int().min(1).max(1000).default(50) }))
    .query(async ({ ctx, input }) => {
      const table = await getTable(ctx.services.db, input.name);
      return readDelta(table, ctx.services.env.tablesDir, (dir) => readTableHistory(dir, input.limit));
    }),

  /**
   * The last `limit` rows (default 20, at most 200) of the table's latest version, newest last: top-level
   * column names and one cell per column (int64 and decimals as decimal text, timestamps ISO-8601 UTC, dates
   * `YYYY-MM-DD`, binary base64, nested values as JSON text). `exists: false` while it has no Delta log.
   */
  preview: authedProcedure
    .input(z.object({ name: tableName, limit: z.number().int().min(1).max(200).default(20) }))
    .query(async ({ ctx, input }) => {
      const table = await getTable(ctx.services.db, input.name);
      return readDelta(table, ctx.services.env.tablesDir, (dir) => readTablePreview(dir, input.limit));
    }),

  /** The proto2 definition producers send as their descriptor (Zerobus conventions). */
  proto: authedProcedure
    .input(z.object({ name: tableName }))
    .query(async ({ ctx, input }) => ({ proto: protoOf(await getTable(ctx.services.db, input.name)) })),

  /** SDK snippets (TypeScript, Python, Rust) with this deployment's endpoint and the table. */
  snippets: authedProcedure.input(z.object({ name: tableName })).query(async ({ ctx, input }) => {
    const table = await getTable(ctx.services.db, input.name);
    const { ingestEndpoint, publicUrl } = ctx.services.env;
    return {
      endpoint: ingestEndpoint,
      workspaceUrl: publicUrl,
      ...sdkSnippets(table.name, table.deltaSchema, ingestEndpoint, publicUrl),
    };
  }),

  /**
   * What dropping table `name` affects, for its confirmation: the grants that go with it (its live streams
   * come from `streams.live`).
   */
  dropImpact: authedProcedure
    .input(z.object({ name: tableName }))
    .query(({ ctx, input }) => securableImpact(ctx.services.db, { type: 'table', name: input.name })),

  /**
   * Renames table `name` to `newName` in the same schema (editor); grants and the Delta data stay. Ingest nodes
   * refuse new streams under the old name once the change reaches them.
   */
  rename: editorProcedure
    .input(z.object({ name: tableName, newName: tableName }))
    .mutation(async ({ ctx, input }) => {
      const renamed = await renameTable(ctx.services.db, ctx.actor, input.name, input.newName);
      provisionAfterChange(ctx);
      return renamed;
    }),

  /**
   * Drops table `name` from the catalog with its grants (admin). Its Delta data stays where it is, unless
   * `deleteData`: then its files are deleted through its storage once the catalog entry is gone (a failure
   * there is INTERNAL_SERVER_ERROR naming the location; the entry stays dropped and the drop audited).
   */
  drop: adminProcedure
    .input(z.object({ name: tableName, deleteData: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const table = await getTable(ctx.services.db, input.name);
      await dropTable(ctx.services.db, ctx.actor, table.name);
      provisionAfterChange(ctx);
      if (!input.deleteData) return { name: table.name, dataDeleted: null };
      const deleted = await deleteTableData(ctx.services.db, ctx.actor, table, ctx.services.env.tablesDir);
      return { name: table.name, dataDeleted: deleted };
    }),
});
