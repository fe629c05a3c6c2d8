import { resolveTableLocation } from '@lakestream/delta';
import type { ProvisionedTable } from './catalog-view.js';

/**
 * Where a provisioned table's Delta table is: delta's `resolveTableLocation` of its catalog location — a
 * relative one under the node's data dir, an absolute path or `file:` URI as that directory, `az://`,
 * `abfss://` and `s3://` object stores as they are (credentials from the SDKs' environment variables).
 * Throws `DeltaError` `UNSUPPORTED_LOCATION` for any other URI.
 */
export function tableLocation(dataDir: string, table: ProvisionedTable): string {
  return resolveTableLocation(table.location, dataDir);
}
