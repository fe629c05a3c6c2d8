import type { AddAction, Snapshot, Storage, Table } from '@lakestream/delta';
import { commitPath, isDeltaError, openTable, serializeCommit } from './delta';
import { type PreviewCell, toPreviewCell } from './preview-cells';

/** The newest rows of a table. */
export interface TablePreview {
  /** False when the table has no Delta log yet (nothing ingested). */
  readonly exists: boolean;
  /** The version read, or null. */
  readonly version: number | null;
  /** Top-level column names, in schema order. */
  readonly columns: string[];
  /** One array of cells per row, in `columns` order; the newest row last. */
  readonly rows: PreviewCell[][];
}

/** Rows a data file holds, from its statistics; unknown counts as `fallback`. */
function rowsOf(add: AddAction, fallback: number): number {
  const n =
    add.stats === undefined ? undefined : (JSON.parse(add.stats) as { numRecords?: unknown }).numRecords;
  return typeof n === 'number' ? n : fallback;
}

/** The newest data files (log order) whose rows, by their statistics, reach `limit`. */
function newestFiles(files: readonly AddAction[], limit: number): AddAction[] {
  let first = files.length;
  let rows = 0;
  while (first > 0 && rows < limit) rows += rowsOf(files[--first]!, limit);
  return files.slice(first);
}

/**
 * A read-only view of `storage` whose Delta log is one synthetic commit holding `snapshot`'s protocol,
 * metaData and only `files`; data files are read from `storage`. packages/delta's `scan` reads the table's
 * files from the oldest, so this is how the newest rows are read without reading the whole table.
 */
function newestFilesStorage(storage: Storage, snapshot: Snapshot, files: readonly AddAction[]): Storage {
  const log = commitPath(0);
  const commit = new TextEncoder().encode(
    serializeCommit([
      { protocol: snapshot.protocol },
      { metaData: snapshot.metadata },
      ...files.map((add) => ({ add })),
    ]),
  );
  const readOnly = (): never => {
    throw new Error(`the preview of table ${storage.location} is read-only`);
  };
  return {
    location: storage.location,
    list: async (prefix, options) =>
      log.startsWith(prefix) && (options?.startAfter === undefined || log > options.startAfter) ? [log] : [],
    read: async (path) =>
      path === log ? commit : path.startsWith('_delta_log/') ? undefined : storage.read(path),
    write: readOnly,
    putIfAbsent: readOnly,
    delete: readOnly,
  };
}

/**
 * The last `limit` rows of the latest version of the Delta table at `location` (a directory), in table order
 * (newest last), as preview cells (see `toPreviewCell`). Reads only the newest data files that hold them, by
 * their statistics. No Delta log there: `exists: false`. Throws `DeltaError` for a table it cannot read
 * (`CORRUPT_LOG`: a listed file missing or unreadable; `UNSUPPORTED_FEATURE`; `STORAGE`).
 */
export async function readTablePreview(location: string, limit: number): Promise<TablePreview> {
  let table: Table;
  try {
    table = await openTable(location);
  } catch (error) {
    if (isDeltaError(error) && error.code === 'TABLE_NOT_FOUND')
      return { exists: false, version: null, columns: [], rows: [] };
    throw error;
  }
  try {
    const snapshot = await table.snapshot();
    const fields = snapshot.schema.fields;
    const columns = fields.map((f) => f.name);
    const files = newestFiles(snapshot.files, limit);
    if (files.length === 0 || limit === 0)
      return { exists: true, version: snapshot.version, columns, rows: [] };
    const newest = await openTable(newestFilesStorage(table.storage, snapshot, files));
    let data: Awaited<ReturnType<Table['scan']>>;
    try {
      data = await newest.scan();
    } finally {
      await newest.close();
    }
    const vectors = fields.map((f) => data.getChild(f.name));
    const rows: PreviewCell[][] = [];
    for (let i = Math.max(0, data.numRows - limit); i < data.numRows; i++) {
      rows.push(fields.map((f, c) => toPreviewCell(vectors[c]?.get(i), f.type)));
    }
    return { exists: true, version: snapshot.version, columns, rows };
  } finally {
    await table.close();
  }
}
