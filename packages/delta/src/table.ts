/**
 * The Table handle: opens or creates a table and ties its parts together. Appends write data files (the write
 * part, `write/`) and then commit them (the transaction part, `transaction/`); reads catch up with the log
 * (`log/catch-up.ts`) and scan data files (`read/`).
 */
import { randomUUID } from 'node:crypto';
import { Schema as ArrowSchema, Table as ArrowTable, type RecordBatch } from 'apache-arrow';
import { DeltaError } from './errors.js';
import { parseJson } from './json.js';
import type { Action, MetadataAction } from './log/actions.js';
import { serializeCommit } from './log/actions.js';
import { catchUp } from './log/catch-up.js';
import { writeCheckpoint } from './log/checkpoint.js';
import { ENGINE_INFO } from './log/commit.js';
import { commitPath } from './log/log-paths.js';
import { type HistoryEntry, loadLogState, readHistory } from './log/log-reader.js';
import type { LogState } from './log/log-state.js';
import { assertCanRead, assertCanWrite } from './log/protocol.js';
import { createParquetPool, type ParquetPool } from './parquet/parquet-pool.js';
import type { ParquetWriteOptions } from './parquet/writer-properties.js';
import { scanFiles, scanLastRows } from './read/scan-files.js';
import { fromArrowSchema, toArrowSchema } from './schema/arrow-schema.js';
import {
  type DeltaSchema,
  parseDeltaSchema,
  serializeDeltaSchema,
  withMissingColumns,
} from './schema/delta-schema.js';
import { type Snapshot, snapshotOf } from './snapshot.js';
import { openStorage } from './storage/open-storage.js';
import type { Storage, StorageOptions } from './storage/storage.js';
import {
  type CommitOptions,
  type CommitResult,
  commitTransaction,
  normalizeTxn,
  type TransactionTarget,
} from './transaction/transaction.js';
import { deleteDataFiles, writeDataFiles } from './write/write-files.js';

export type { CommitOptions, CommitResult, TxnId } from './transaction/transaction.js';

/** Options of {@link openTable} and {@link createTable}. */
export interface TableOptions {
  /** A shared Parquet pool; without one the table starts its own (with `workers` threads) on first append. */
  pool?: ParquetPool;
  /** Threads of the table's own pool (default `os.availableParallelism()`). */
  workers?: number;
  /** How data files are encoded (zstd, dictionary where it pays, …). */
  parquet?: ParquetWriteOptions;
  /** Arrow bytes per data file before an append starts another file (default 128 MiB). */
  targetFileBytes?: number;
  /** Commit attempts after the first lost race (default 15). */
  maxRetries?: number;
  /** For a location string: fsync local files and directories (default `true`). */
  fsync?: boolean;
  /** For a location string naming an object store: its options (page size, the environment to read credentials from). */
  storage?: Omit<StorageOptions, 'fsync'>;
}

/** Options of `append`. */
export interface AppendOptions extends CommitOptions {
  /**
   * The schema the rows were made for (a writer's view of the table, e.g. a catalog's). Columns of it the
   * table lacks are added (nullable, at the end) by a new `metaData` in the same commit as the rows; columns
   * the table has and it lacks are simply null in these rows. Default: the table's schema as it is.
   */
  schema?: DeltaSchema;
}

/** Options of `scan`. */
export interface ScanOptions {
  /** Stop after this many rows. */
  limit?: number;
  /**
   * With `limit`: the last rows of the table in log order instead of the first (the console's preview of the
   * newest rows), reading only the newest data files that hold them.
   */
  tail?: boolean;
  /** Time travel: read this version instead of the latest. */
  version?: number;
}

/** An open Delta table: reads, appends and commits. Dispose it to stop its own Parquet pool. */
export interface Table extends AsyncDisposable {
  readonly location: string;
  readonly storage: Storage;
  /** The latest version this handle knows (it catches up on `snapshot()` and on every commit). */
  readonly version: number;
  /**
   * The table at `version` (default: the latest, catching up with commits by other writers). Errors:
   * `VERSION_NOT_FOUND`, `CORRUPT_LOG`, `UNSUPPORTED_FEATURE`.
   */
  snapshot(version?: number): Promise<Snapshot>;
  /** Commits still in the log with their commitInfo, newest first. */
  history(options?: { limit?: number }): Promise<HistoryEntry[]>;
  /**
   * Encodes the rows to Parquet data files in the worker pool and commits them (one commit, optional txn).
   * Batches may use any Arrow types that convert exactly to the table's (see `conformBatch`), and may differ
   * from each other (columns a batch lacks are null in its rows); otherwise `SCHEMA_MISMATCH`. With
   * `options.schema`, the table is widened to it in the same commit. With a txn already covered nothing is
   * written (`committed: false`).
   */
  append(
    data: RecordBatch | readonly RecordBatch[] | ArrowTable,
    options?: AppendOptions,
  ): Promise<CommitResult>;
  /**
   * Commits actions (adds of files already written, a new metaData for schema evolution, …). `txn` and
   * `commitInfo` are added here and must not be passed. Errors: see `commitActions`; `APPEND_ONLY` for a
   * remove on an append-only table; `SCHEMA_MISMATCH` for a non-additive schema change.
   */
  commit(actions: readonly Action[], options?: CommitOptions): Promise<CommitResult>;
  /** The latest committed `txn.version` of `appId` after catching up with the log; `undefined` if none. */
  latestTxnVersion(appId: string): Promise<bigint | undefined>;
  /** The rows (all, or the first `limit`) as an Arrow table with the table's schema. */
  scan(options?: ScanOptions): Promise<ArrowTable>;
  /** Adds nullable columns: commits a new metaData with `schema` (must extend the current one). */
  evolveSchema(schema: DeltaSchema): Promise<CommitResult>;
  /** Writes a checkpoint at the current version now (normally automatic every `delta.checkpointInterval`). */
  checkpoint(): Promise<void>;
  /** Stops the table's own pool (a shared pool is left running). */
  close(): Promise<void>;
}

function toStorage(target: Storage | string, options: TableOptions): Storage {
  return typeof target === 'string'
    ? openStorage(target, { ...options.storage, fsync: options.fsync ?? true })
    : target;
}

/** Wraps a loaded log state in the table handle. */
function tableHandle(storage: Storage, state: LogState, options: TableOptions): Table {
  const location = storage.location;
  let ownPool: ParquetPool | undefined;
  let closed = false;
  let lock: Promise<unknown> = Promise.resolve();
  // Commits and catch-ups of one handle run one at a time: they advance the same state.
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  };
  const pool = (): ParquetPool => {
    if (closed) throw new DeltaError('POOL_CLOSED', `table ${location} is closed`);
    if (options.pool !== undefined) return options.pool;
    ownPool ??= createParquetPool(options.workers === undefined ? {} : { workers: options.workers });
    return ownPool;
  };
  const catchUpNow = (): Promise<void> => catchUp(storage, state);
  /** The table's metaData widened by the columns of `schema` it lacks, or `undefined` when it lacks none. */
  const widenedMetadata = (schema: DeltaSchema): MetadataAction | undefined => {
    const metadata = state.metadata as MetadataAction;
    const current = parseDeltaSchema(parseJson(metadata.schemaString), 'log');
    const next = withMissingColumns(current, schema);
    return next === undefined ? undefined : { ...metadata, schemaString: serializeDeltaSchema(next) };
  };
  const current = (): Snapshot => snapshotOf(location, state);
  /**
   * Writes the checkpoint of the current version: by a pool worker reading the log back from the storage when
   * the storage can be reopened there (`description`; building it is synchronous work that grows with the
   * table's files), on this thread otherwise.
   */
  const writeCheckpointNow = (): Promise<void> => {
    const described = storage.description;
    return described === undefined
      ? writeCheckpoint(storage, state)
      : pool().checkpoint(described, state.version);
  };

  const transaction: TransactionTarget = {
    storage,
    state,
    maxRetries: options.maxRetries,
    writeCheckpoint: writeCheckpointNow,
    lastCheckpoint: undefined,
  };

  const handle: Table = {
    location,
    storage,
    get version() {
      return state.version;
    },
    async snapshot(version) {
      if (version === undefined || version > state.version) {
        await exclusive(catchUpNow);
        if (version === undefined || version === state.version) return current();
      }
      if (version === state.version) return current();
      const s = await loadLogState(storage, version);
      assertCanRead(s.protocol as NonNullable<LogState['protocol']>, location);
      return snapshotOf(location, s);
    },
    history(opts) {
      return readHistory(storage, opts?.limit);
    },
    async append(data, opts = {}) {
      const batches =
        data instanceof ArrowTable ? data.batches : Array.isArray(data) ? data : [data as RecordBatch];
      const txn = normalizeTxn(opts.txn);
      if (txn !== undefined && (state.txns.get(txn.appId)?.version ?? -1n) >= txn.version) {
        return { version: state.version, committed: false, retries: 0, files: [], checkpointed: false };
      }
      // Refuse before encoding: a table we cannot write must not collect orphan data files.
      assertCanWrite(state.protocol as NonNullable<LogState['protocol']>, location);
      const widened = opts.schema === undefined ? undefined : widenedMetadata(opts.schema);
      const adds = await writeDataFiles(batches, {
        storage,
        pool: pool(),
        metadata: widened ?? (state.metadata as MetadataAction),
        parquet: options.parquet,
        targetFileBytes: options.targetFileBytes,
      });
      const actions: Action[] = adds.map((add) => ({ add }));
      if (widened !== undefined) actions.unshift({ metaData: widened });
      const result = await exclusive(() => commitTransaction(transaction, actions, opts, adds));
      if (!result.committed) {
        // A duplicate (the txn was already committed): these files were never referenced.
        await deleteDataFiles(storage, adds);
      }
      return result;
    },
    commit(actions, opts = {}) {
      const adds = actions.flatMap((a) => ('add' in a ? [a.add] : []));
      return exclusive(() => commitTransaction(transaction, actions, opts, adds));
    },
    async latestTxnVersion(appId) {
      await exclusive(catchUpNow);
      return state.txns.get(appId)?.version;
    },
    async scan(opts = {}) {
      const snap = await handle.snapshot(opts.version);
      return opts.tail === true && opts.limit !== undefined
        ? scanLastRows(storage, snap, opts.limit)
        : scanFiles(storage, snap, opts.limit);
    },
    async evolveSchema(schema) {
      await exclusive(catchUpNow);
      const metaData: MetadataAction = {
        ...(state.metadata as MetadataAction),
        schemaString: serializeDeltaSchema(schema),
      };
      return handle.commit([{ metaData }], { operation: 'ADD COLUMNS' });
    },
    checkpoint() {
      return exclusive(async () => {
        await writeCheckpointNow();
        transaction.lastCheckpoint = state.version;
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await lock;
      await ownPool?.close();
    },
    [Symbol.asyncDispose]() {
      return handle.close();
    },
  };
  return handle;
}

/**
 * Opens an existing table (a location `openStorage` takes — a directory, `file:`, `az://`, `abfss://`,
 * `s3://` — or a {@link Storage}): loads the newest checkpoint plus later
 * commits. Errors: `TABLE_NOT_FOUND`, `CORRUPT_LOG`, `UNSUPPORTED_FEATURE` (naming the feature).
 */
export async function openTable(target: Storage | string, options: TableOptions = {}): Promise<Table> {
  const storage = toStorage(target, options);
  const state = await loadLogState(storage);
  assertCanRead(state.protocol as NonNullable<LogState['protocol']>, storage.location);
  return tableHandle(storage, state, options);
}

/** Options of {@link createTable}. */
export interface CreateTableOptions extends TableOptions {
  /** The table schema: Delta JSON form, or an Arrow schema (converted with `fromArrowSchema`). */
  schema: DeltaSchema | ArrowSchema;
  /**
   * Table properties (`metaData.configuration`), merged over `{"delta.appendOnly":"true"}` (ingest tables;
   * pass `"false"` to allow removes);
   * `delta.checkpointInterval` (default 10) and `delta.dataSkippingNumIndexedCols` (default 32) are honoured.
   */
  properties?: Record<string, string>;
  name?: string;
  description?: string;
}

/**
 * Creates an empty, unpartitioned table: version 0 with protocol (1,2), metaData and commitInfo. Errors:
 * `TABLE_EXISTS` when a version 0 is already there, `INVALID_ARGUMENT`/`UNSUPPORTED_FEATURE` for a schema we
 * cannot write (bad names, timestamp_ntz).
 */
export async function createTable(target: Storage | string, options: CreateTableOptions): Promise<Table> {
  const storage = toStorage(target, options);
  const raw = options.schema instanceof ArrowSchema ? fromArrowSchema(options.schema) : options.schema;
  const schema = parseDeltaSchema(JSON.parse(JSON.stringify(raw)));
  toArrowSchema(schema);
  const metaData: MetadataAction = {
    id: randomUUID(),
    format: { provider: 'parquet', options: {} },
    schemaString: serializeDeltaSchema(schema),
    partitionColumns: [],
    configuration: { 'delta.appendOnly': 'true', ...options.properties },
    createdTime: Date.now(),
  };
  if (options.name !== undefined) metaData.name = options.name;
  if (options.description !== undefined) metaData.description = options.description;
  const actions: Action[] = [
    {
      commitInfo: {
        timestamp: Date.now(),
        operation: 'CREATE TABLE',
        operationParameters: {},
        isBlindAppend: true,
        engineInfo: ENGINE_INFO,
      },
    },
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    { metaData },
  ];
  if (!(await storage.putIfAbsent(commitPath(0), new TextEncoder().encode(serializeCommit(actions))))) {
    throw new DeltaError(
      'TABLE_EXISTS',
      `a Delta table already exists at ${storage.location}; open it instead`,
    );
  }
  return openTable(storage, options);
}
