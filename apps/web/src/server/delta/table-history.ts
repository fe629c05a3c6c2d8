import { withDeltaTable } from './with-delta-table';

/** One commit of a table, as the console lists it. */
export interface TableVersion {
  readonly version: number;
  /** `commitInfo.timestamp` (ms), else 0. */
  readonly timestamp: number;
  /** `commitInfo.operation` (`CREATE TABLE`, `STREAMING UPDATE`, …), or `UNKNOWN`. */
  readonly operation: string;
  /** Data files added by the commit. */
  readonly numFiles: number | null;
  /** Rows they hold, from their statistics; null when a file has none. */
  readonly numRecords: number | null;
  /** Their size in bytes. */
  readonly numBytes: number | null;
  /** The commit's `txn.appId` (an ingest node's `<nodeId>:<table>`), or null. */
  readonly writer: string | null;
}

/** A table's history: whether it has a Delta log yet, where it was looked for, its commits newest first. */
export interface TableHistory {
  readonly exists: boolean;
  readonly location: string;
  readonly versions: TableVersion[];
}

/**
 * The newest `limit` commits of the Delta table at `location` (a directory or object-store URI), newest first, from the log's
 * history (version, timestamp, operation, the files it added and its txn). No Delta log there: `exists: false`.
 * Throws `DeltaError` for a log it cannot read (`CORRUPT_LOG`, `UNSUPPORTED_FEATURE`, `STORAGE`).
 */
export async function readTableHistory(location: string, limit: number): Promise<TableHistory> {
  return withDeltaTable<TableHistory>(
    location,
    () => ({ exists: false, location, versions: [] }),
    async (table) => {
      const history = await table.history({ limit });
      const versions = history.map(
        (entry): TableVersion => ({
          version: entry.version,
          timestamp: entry.timestamp ?? 0,
          operation: entry.operation ?? 'UNKNOWN',
          numFiles: entry.added.files,
          numRecords: entry.added.records ?? null,
          numBytes: entry.added.bytes,
          writer: entry.txnAppId ?? null,
        }),
      );
      return { exists: true, location, versions };
    },
  );
}
