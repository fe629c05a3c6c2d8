import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { type ZodError, z } from 'zod';
import { isDeltaError, resolveTableLocation } from '../delta/delta';
import { inputErrorMessage } from '../input-errors';
import { EXPORT_FORMATS, openRecordExport } from '../records/record-export';
import { recordQueryInput, toRecordQuery } from '../records/record-query-input';
import { isRecordsError } from '../records/records-error';
import { createCaller } from '../root';
import type { WebServices } from '../services';
import { createContext } from '../trpc';

const exportInput = recordQueryInput.extend({ format: z.enum(EXPORT_FORMATS) });

/** A refusal as JSON `{error: {code, message}}`. */
function refusal(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { 'cache-control': 'no-store' } });
}

/** The export's input from the URL: `table`, `format`, `version`, `asOf`, `filters` (a JSON array). */
function inputOf(url: URL): unknown {
  const p = url.searchParams;
  const version = p.get('version');
  const filters = p.get('filters');
  let parsedFilters: unknown = [];
  if (filters !== null) {
    try {
      parsedFilters = JSON.parse(filters);
    } catch {
      parsedFilters = filters; // zod says it is not an array
    }
  }
  return {
    name: p.get('table') ?? '',
    format: p.get('format') ?? '',
    ...(version === null || version === '' ? {} : { version: Number(version) }),
    ...(p.get('asOf') ? { asOf: p.get('asOf') } : {}),
    filters: parsedFilters,
  };
}

/**
 * The handler of `GET /api/records/export?table=…&format=csv|jsonl|parquet[&version=…|&asOf=…][&filters=[…]]`:
 * the rows the record browser shows for the same version and filters, streamed as a download named
 * `<table>-v<version>[-filtered].<format>` (headers `X-Lakestream-Version`, and `X-Lakestream-Candidate-Rows`
 * when the statistics know an upper bound of the rows). Authorized as reading the preview: through the
 * session cookie, by `tables.get` of the same tRPC rules (401 signed out or disabled, 404 no such table),
 * whose refusals are audited like any other. 400 for bad input (in a sentence), 404 when nothing was
 * ingested yet, 500 naming the table for a log delta cannot read. GET only: it changes nothing.
 */
export function createRecordsExportHandler(
  services: () => Promise<WebServices>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const s = await services();
    const parsed = exportInput.safeParse(inputOf(new URL(request.url)));
    if (!parsed.success) return refusal(400, 'BAD_REQUEST', inputErrorMessage(parsed.error as ZodError));
    const input = parsed.data;
    try {
      const ctx = await createContext(s, request, new Headers());
      const table = await createCaller(ctx).tables.get({ name: input.name });
      const location = resolveTableLocation(table.storageLocation, s.env.tablesDir);
      const exported = await openRecordExport(location, table.name, toRecordQuery(input), input.format);
      if (exported === undefined) {
        return refusal(
          404,
          'NOT_FOUND',
          `Table ${table.name} has no rows yet: nothing was ingested into it.`,
        );
      }
      const headers = new Headers({
        'content-type': exported.contentType,
        'content-disposition': `attachment; filename="${exported.fileName}"`,
        'cache-control': 'no-store',
        'x-lakestream-version': String(exported.version),
      });
      if (exported.candidateRows !== null) {
        headers.set('x-lakestream-candidate-rows', String(exported.candidateRows));
      }
      return new Response(exported.body, { status: 200, headers });
    } catch (error) {
      if (error instanceof TRPCError)
        return refusal(getHTTPStatusCodeFromError(error), error.code, error.message);
      if (isRecordsError(error)) return refusal(400, error.code, error.message);
      if (isDeltaError(error, 'UNSUPPORTED_LOCATION'))
        return refusal(400, 'BAD_REQUEST', `table ${input.name}: ${error.message}`);
      if (isDeltaError(error)) {
        console.error(
          JSON.stringify({ level: 'error', message: 'record export failed', error: String(error) }),
        );
        return refusal(500, 'INTERNAL_SERVER_ERROR', `table ${input.name}: ${error.message}`);
      }
      throw error;
    }
  };
}
