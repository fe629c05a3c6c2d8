import type { Action, AddAction, Table } from '@lakestream/delta';
import { commitPath, isDeltaError, openTable, parseCommit } from './delta';

/** One commit of a table, as the console lists it. */
export interface TableVersion {
  readonly version: number;
  /** `commitInfo.timestamp` (ms), else the newest data file's modification time, else 0. */
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

/** `numRecords` of an add's statistics, or undefined when it has none. */
function recordsOf(add: AddAction): number | undefined {
  if (add.stats === undefined) return undefined;
  const parsed = JSON.parse(add.stats) as { numRecords?: unknown };
  return typeof parsed.numRecords === 'number' ? parsed.numRecords : undefined;
}

/** The commit's actions; undefined when its file is gone (cleaned up since the history listed it). */
async function actionsOf(table: Table, version: number): Promise<Action[] | undefined> {
  const bytes = await table.storage.read(commitPath(version));
  if (bytes === undefined) return undefined;
  return parseCommit(Buffer.from(bytes).toString('utf8'), `table ${table.location} commit ${version}`);
}

/**
 * The newest `limit` commits of the Delta table at `location` (a directory), newest first: from the log's
 * history (version, timestamp, operation) and each commit's own actions (its adds and txn — the history does
 * not carry them, so each listed commit file is read a second time). No Delta log there: `exists: false`.
 * Throws `DeltaError` for a log it cannot read (`CORRUPT_LOG`, `UNSUPPORTED_FEATURE`, `STORAGE`).
 */
export async function readTableHistory(location: string, limit: number): Promise<TableHistory> {
  let table: Table;
  try {
    table = await openTable(location);
  } catch (error) {
    if (isDeltaError(error) && error.code === 'TABLE_NOT_FOUND')
      return { exists: false, location, versions: [] };
    throw error;
  }
  try {
    const history = await table.history({ limit });
    const versions = await Promise.all(
      history.map(async (entry): Promise<TableVersion> => {
        const actions = await actionsOf(table, entry.version);
        if (actions === undefined) {
          const unknown = { numFiles: null, numRecords: null, numBytes: null, writer: null };
          return {
            version: entry.version,
            timestamp: entry.timestamp ?? 0,
            operation: entry.operation ?? 'UNKNOWN',
            ...unknown,
          };
        }
        const adds = actions.flatMap((a) => ('add' in a ? [a.add] : []));
        const records = adds.map(recordsOf);
        const writer = actions.find((a) => 'txn' in a);
        return {
          version: entry.version,
          timestamp: entry.timestamp ?? Math.max(0, ...adds.map((a) => a.modificationTime)),
          operation: entry.operation ?? 'UNKNOWN',
          numFiles: adds.length,
          numRecords: records.some((n) => n === undefined)
            ? null
            : records.reduce<number>((sum, n) => sum + (n ?? 0), 0),
          numBytes: adds.reduce((sum, a) => sum + a.size, 0),
          writer: writer !== undefined && 'txn' in writer ? writer.txn.appId : null,
        };
      }),
    );
    return { exists: true, location, versions };
  } finally {
    await table.close();
  }
}
