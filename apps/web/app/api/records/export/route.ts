import { createRecordsExportHandler } from '../../../../src/server/http/records-export-handler';
import { getServices } from '../../../../src/server/services';

/** better-sqlite3 and delta's Parquet need Node, and every answer depends on the session: never static. */
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Streams the record browser's rows (same version and filters) as CSV, JSON Lines or Parquet. */
export const GET = createRecordsExportHandler(getServices);
