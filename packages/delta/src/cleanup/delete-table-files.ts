import { LAST_CHECKPOINT, LOG_DIR } from '../log/log-paths.js';
import type { Storage } from '../storage/storage.js';

/** What `deleteTableFiles` removed. */
export interface DeletedTableFiles {
  /** The table. */
  readonly location: string;
  /** Log files (commits, checkpoints, `_last_checkpoint`) removed. */
  readonly logFiles: number;
  /** Files of the table root (Parquet data files and anything else there) removed. */
  readonly dataFiles: number;
}

/**
 * Deletes a whole Delta table from `storage`: first its log, newest version first, so that the table stops
 * being a table at the first deletion and readers see "no table" rather than a version whose data files are
 * gone; then every file of the table root. Files in sub-folders (partition directories: Lakestream writes
 * none) are left. Idempotent: a missing table deletes nothing, and an interrupted run is finished by the next.
 * Storage failures throw `DeltaError('STORAGE')` as the adapter raises them.
 */
export async function deleteTableFiles(storage: Storage): Promise<DeletedTableFiles> {
  const log = (await storage.list(LOG_DIR)).filter((path) => path !== LAST_CHECKPOINT).reverse();
  await storage.delete(LAST_CHECKPOINT);
  for (const path of log) await storage.delete(path);
  // `listDetailed` lists files only (a local `list` also names the `_delta_log` folder itself).
  const data =
    storage.listDetailed === undefined
      ? (await storage.list('')).filter((path) => path !== LOG_DIR.slice(0, -1))
      : (await storage.listDetailed('')).map((file) => file.path);
  for (const path of data) await storage.delete(path);
  return { location: storage.location, logFiles: log.length, dataFiles: data.length };
}
