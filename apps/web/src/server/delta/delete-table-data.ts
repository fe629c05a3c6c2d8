import type { Actor, TableInfo } from '@lakestream/catalog';
import type { DeletedTableFiles } from '@lakestream/delta';
import { TRPCError } from '@trpc/server';
import { recordEvent } from '../catalog';
import { deleteTableFiles, isDeltaError, openStorage, resolveTableLocation } from './delta';

/**
 * Deletes the Delta files of `table` (a table just dropped from the catalog) through its storage — a local
 * directory under `tablesDir` or an object store — and records the event `table.delete_data` with what went.
 * A storage failure is INTERNAL_SERVER_ERROR naming the table and packages/delta's words; running it again
 * finishes the job (`deleteTableFiles` is idempotent).
 */
export async function deleteTableData(
  db: Parameters<typeof recordEvent>[0],
  actor: Actor,
  table: TableInfo,
  tablesDir: string,
): Promise<DeletedTableFiles> {
  let deleted: DeletedTableFiles;
  try {
    deleted = await deleteTableFiles(openStorage(resolveTableLocation(table.storageLocation, tablesDir)));
  } catch (error) {
    if (!isDeltaError(error)) throw error;
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: `table ${table.name} was dropped, but deleting its data failed: ${error.message}`,
      cause: error,
    });
  }
  await recordEvent(db, actor, {
    action: 'table.delete_data',
    targetType: 'table',
    target: table.name,
    details: { ...deleted },
  });
  return deleted;
}
