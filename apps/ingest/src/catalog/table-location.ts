import { isAbsolute, join } from 'node:path';
import type { ProvisionedTable } from './catalog-view.js';

/** The directory of a provisioned table's Delta table: its location, a relative one under the node's data dir. */
export function tableLocation(dataDir: string, table: ProvisionedTable): string {
  return isAbsolute(table.location) ? table.location : join(dataDir, table.location);
}
