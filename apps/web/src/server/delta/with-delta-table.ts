import type { Table } from '@lakestream/delta';
import { isDeltaError, openTable } from './delta';

/**
 * Opens the Delta table at `location` (a directory or an object-store URI), answers `read(table)` and closes the table, whether
 * `read` succeeds or throws. No Delta log there (`TABLE_NOT_FOUND`): answers `missing()` instead. Any other
 * `DeltaError` of the open (`CORRUPT_LOG`, `UNSUPPORTED_FEATURE`, `STORAGE`) is thrown as it is.
 */
export async function withDeltaTable<T>(
  location: string,
  missing: () => T,
  read: (table: Table) => Promise<T>,
): Promise<T> {
  let table: Table;
  try {
    table = await openTable(location);
  } catch (error) {
    if (isDeltaError(error) && error.code === 'TABLE_NOT_FOUND') return missing();
    throw error;
  }
  try {
    return await read(table);
  } finally {
    await table.close();
  }
}
