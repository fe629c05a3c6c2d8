import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { getTable } from '../catalog';
import { readRecordPage } from '../records/record-page';
import { recordQueryInput, toRecordQuery } from '../records/record-query-input';
import { isRecordsError } from '../records/records-error';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { readDelta } from './tables';

/** `read()`, with the record browser's refusals (bad version, time, column, value, cursor) as BAD_REQUEST. */
export async function refusingBadRecordInput<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isRecordsError(error))
      throw new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
    throw error;
  }
}

/**
 * The record browser: a table's rows at a version or a time, filtered (pushed down to file skipping by the
 * data files' statistics), page by page. Whoever may read a table's preview may browse it (a signed-in user);
 * the export of the same rows is the route `/api/records/export` (`http/records-export-handler.ts`).
 */
export const recordsRouter = createTRPCRouter({
  /**
   * One page (`pageSize`, default 50, at most 500) of the rows of table `name` at `version`, or the newest
   * version at or before `asOf`, or the latest, that pass every filter; `cursor` is a previous page's
   * `nextCursor`. With the version's totals and how many files the statistics skipped. BAD_REQUEST with a
   * sentence for an unknown column, a value that does not parse, a version that does not exist (naming the
   * newest), a time before the first commit, a cursor of another version.
   */
  browse: authedProcedure
    .input(
      recordQueryInput.extend({
        cursor: z.string().max(100).optional(),
        pageSize: z.number().int().min(1).max(500).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const table = await getTable(ctx.services.db, input.name);
      return refusingBadRecordInput(() =>
        readDelta(table, ctx.services.env.tablesDir, (location) =>
          readRecordPage(location, {
            ...toRecordQuery(input),
            cursor: input.cursor,
            pageSize: input.pageSize,
          }),
        ),
      );
    }),
});
