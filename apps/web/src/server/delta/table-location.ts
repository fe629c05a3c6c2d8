import { TRPCError } from '@trpc/server';
import { isDeltaError, parseStorageLocation } from './delta';

/**
 * Checks a location a table or catalog is created with: a path (relative ones land under each node's data
 * directory and the console's tables directory), a `file:` URI, or an object store — `az://<container>/<path>`,
 * `abfss://<container>@<account>.dfs.core.windows.net/<path>`, `s3://<bucket>/<path>` (see
 * @lakestream/delta's `parseStorageLocation`). Anything else is BAD_REQUEST with delta's words.
 */
export function checkTableLocation(location: string | undefined): void {
  if (location === undefined) return;
  try {
    parseStorageLocation(location.trim());
  } catch (error) {
    if (isDeltaError(error, 'UNSUPPORTED_LOCATION'))
      throw new TRPCError({ code: 'BAD_REQUEST', message: error.message });
    throw error;
  }
}
