import { randomUUID } from 'node:crypto';
import {
  Schema as ArrowSchema,
  Table as ArrowTable,
  type Data,
  type RecordBatch,
  tableToIPC,
} from 'apache-arrow';
import { DeltaError } from './errors.js';
import { parseJson } from './json.js';
import { type Action, type AddAction, type MetadataAction, serializeCommit } from './log/actions.js';
import { readLastCheckpoint, writeCheckpoint } from './log/checkpoint.js';
import { type CommitRequest, commitActions, ENGINE_INFO } from './log/commit.js';
import { commitPath } from './log/log-paths.js';
import { type HistoryEntry, loadLogState, readCommit, readHistory } from './log/log-reader.js';
import { applyActions, type LogState } from './log/log-state.js';
import { assertCanRead, assertCanWrite } from './log/protocol.js';
import { createParquetPool, type ParquetPool } from './parquet/parquet-pool.js';
import { shareBatches } from './parquet/shared-batches.js';
import type { ParquetWriteOptions } from './parquet/writer-properties.js';
import { scanFiles, scanLastRows } from './read/scan-files.js';
import { fromArrowSchema, toArrowSchema } from './schema/arrow-schema.js';
import {
  assertAdditiveEvolution,
  type DeltaSchema,
  parseDeltaSchema,
  serializeDeltaSchema,
} from './schema/delta-schema.js';
import { type Snapshot, snapshotOf } from './snapshot.js';
import { createLocalStorage } from './storage/local-storage.js';
import type { Storage } from './storage/storage.js';

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
  /** For a path: fsync files and directories (default `true`). */
  fsync?: boolean;
}

/** The application transaction of a commit: exactly-once publishing (spec: Exactly-once publishing with txn). */
export interface TxnId {
  appId: string;
  /** Must grow with every commit of `appId`; a commit at or below the table's latest for `appId` is a no-op. */
  version: bigint | number;
}

/** Options of `append` and `commit`. */
export interface CommitOptions {
  txn?: TxnId;
  /** `commitInfo.operation` (default `STREAMING UPDATE` with a txn, else `WRITE`). */
  operation?: string;
}

/** The result of `append` or `commit`. */
export interface CommitResult {
  /** The version written; for a duplicate, the table version that already covers the txn. */
  version: number;
  /** `false` when the txn was already covered and nothing was committed. */
  committed: boolean;
  /** Lost races before success. */
  retries: number;
  /** The data files added (empty for a duplicate: its files are deleted again). */
  files: AddAction[];
  /** Whether this commit also wrote a checkpoint. */
  checkpointed: boolean;
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
   * Batches may use any Arrow types that convert exactly to the table's (see `conformBatch`); otherwise
   * `SCHEMA_MISMATCH`. With a txn already covered nothing is written (`committed: false`).
   */
  append(
    data: RecordBatch | readonly RecordBatch[] | ArrowTable,
    options?: CommitOptions,
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

const DEFAULT_TARGET_FILE_BYTES = 128 * 1024 * 1024;
/** Commits a handle replays one by one when catching up; further behind it reloads from a checkpoint. */
const CATCH_UP_LIMIT = 100;

function toStorage(target: Storage | string, options: TableOptions): Storage {
  return typeof target === 'string' ? createLocalStorage(target, { fsync: options.fsync ?? true }) : target;
}

/** Bytes held by an Arrow column (buffers and children), to size data files. */
function dataBytes(data: Data): number {
  let n =
    (data.values?.byteLength ?? 0) +
    (data.valueOffsets?.byteLength ?? 0) +
    (data.nullBitmap?.byteLength ?? 0);
  for (const c of data.children) n += dataBytes(c);
  return n;
}

/** Below this many Arrow bytes per file, an append is not split to keep more encoder threads busy. */
const MIN_PARALLEL_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Arrow bytes per data file for one append: at most `target`, and small enough that every encoder thread of
 * the pool gets a file once the append is big enough (a streaming publisher commits every second or so, well
 * under the 128 MiB target: one file per commit would leave all but one worker idle).
 */
function fileTarget(batches: readonly RecordBatch[], target: number, workers: number): number {
  let total = 0;
  for (const batch of batches) total += dataBytes(batch.data);
  const perWorker = Math.ceil(total / Math.max(1, workers));
  return Math.min(target, Math.max(MIN_PARALLEL_FILE_BYTES, perWorker));
}

/** Groups batches into files of about `target` Arrow bytes, slicing batches larger than that. */
function planFiles(batches: readonly RecordBatch[], target: number): RecordBatch[][] {
  const files: RecordBatch[][] = [];
  let current: RecordBatch[] = [];
  let bytes = 0;
  for (const batch of batches) {
    if (batch.numRows === 0) continue;
    const size = dataBytes(batch.data);
    const pieces = Math.max(1, Math.ceil(size / target));
    const rowsPer = Math.ceil(batch.numRows / pieces);
    for (let start = 0; start < batch.numRows; start += rowsPer) {
      const piece = pieces === 1 ? batch : batch.slice(start, start + rowsPer);
      const pieceBytes = size / pieces;
      if (current.length > 0 && bytes + pieceBytes > target) {
        files.push(current);
        current = [];
        bytes = 0;
      }
      current.push(piece);
      bytes += pieceBytes;
    }
  }
  if (current.length > 0) files.push(current);
  return files;
}

function checkpointInterval(state: LogState): number {
  const raw = state.metadata?.configuration['delta.checkpointInterval'];
  const n = raw === undefined ? 10 : Number.parseInt(raw, 10);
  return Number.isInteger(n) && n > 0 ? n : 10;
}

function normalizeTxn(txn: TxnId | undefined): { appId: string; version: bigint } | undefined {
  if (txn === undefined) return undefined;
  if (typeof txn.version === 'number' && !Number.isSafeInteger(txn.version)) {
    throw new DeltaError(
      'INVALID_ARGUMENT',
      `txn.version ${txn.version} is not an exact integer; pass a bigint`,
    );
  }
  if (txn.appId === '') throw new DeltaError('INVALID_ARGUMENT', 'txn.appId must not be empty');
  return { appId: txn.appId, version: BigInt(txn.version) };
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
  const catchUp = async (): Promise<void> => {
    // Far behind (another writer wrote many commits): a fresh load from its newest checkpoint is cheaper.
    const last = await readLastCheckpoint(storage);
    if (last !== undefined && last.version > state.version + CATCH_UP_LIMIT) {
      Object.assign(state, await loadLogState(storage));
      return;
    }
    for (;;) {
      const next = await readCommit(storage, state.version + 1);
      if (next === undefined) return;
      applyActions(state, next, state.version + 1);
    }
  };
  const current = (): Snapshot => snapshotOf(location, state);
  /**
   * Writes the checkpoint of the current version: a local table's by a pool worker from the log on disk
   * (building it is synchronous work that grows with the table's files), other tables' on this thread.
   */
  const writeCheckpointNow = (): Promise<void> => {
    const local = storage.local;
    return local === undefined ? writeCheckpoint(storage, state) : pool().checkpoint(local, state.version);
  };

  const commitLocked = async (actions: readonly Action[], opts: CommitOptions, files: AddAction[]) => {
    const txn = normalizeTxn(opts.txn);
    const appendOnly = state.metadata?.configuration['delta.appendOnly'] === 'true';
    for (const a of actions) {
      if ('txn' in a || 'commitInfo' in a) {
        throw new DeltaError(
          'INVALID_ARGUMENT',
          'pass txn through options.txn; commitInfo is written by the library',
        );
      }
      if ('remove' in a && a.remove.dataChange && appendOnly) {
        throw new DeltaError(
          'APPEND_ONLY',
          `table ${location} is append-only (delta.appendOnly=true); removing ${a.remove.path} is not allowed`,
        );
      }
      if ('protocol' in a) assertCanWrite(a.protocol, location);
      if ('metaData' in a) {
        const prev = parseDeltaSchema(parseJson((state.metadata as MetadataAction).schemaString), 'log');
        const next = parseDeltaSchema(parseJson(a.metaData.schemaString));
        toArrowSchema(next);
        assertAdditiveEvolution(prev, next);
      }
    }
    const req: CommitRequest = {
      actions,
      operation: opts.operation ?? (txn !== undefined ? 'STREAMING UPDATE' : 'WRITE'),
    };
    if (txn !== undefined) {
      req.txn = txn;
      req.operationParameters = { appId: txn.appId, version: txn.version, outputMode: 'Append' };
    }
    if (files.length > 0) {
      req.operationMetrics = {
        numFiles: String(files.length),
        numOutputBytes: String(files.reduce((n, f) => n + f.size, 0)),
      };
    }
    if (options.maxRetries !== undefined) req.maxRetries = options.maxRetries;
    const outcome = await commitActions(storage, state, req);
    let checkpointed = false;
    if (outcome.committed && outcome.version > 0 && outcome.version % checkpointInterval(state) === 0) {
      // Best effort: a failed checkpoint costs readers time, never correctness.
      checkpointed = await writeCheckpointNow().then(
        () => true,
        () => false,
      );
    }
    return { ...outcome, files: outcome.committed ? files : [], checkpointed };
  };

  const handle: Table = {
    location,
    storage,
    get version() {
      return state.version;
    },
    async snapshot(version) {
      if (version === undefined || version > state.version) {
        await exclusive(catchUp);
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
      const metadata = state.metadata as MetadataAction;
      const numIndexedCols = Number.parseInt(
        metadata.configuration['delta.dataSkippingNumIndexedCols'] ?? '32',
        10,
      );
      const codec = options.parquet?.compression ?? 'zstd';
      const p = pool();
      const groups = planFiles(
        batches,
        fileTarget(batches, options.targetFileBytes ?? DEFAULT_TARGET_FILE_BYTES, p.size),
      );
      const commitId = randomUUID();
      const adds = await Promise.all(
        groups.map(async (group, index): Promise<AddAction> => {
          // Batches in shared memory go to the encoder as they are; others as an IPC stream.
          const shared = shareBatches(group);
          const rows =
            shared === undefined ? { ipc: tableToIPC(new ArrowTable(group), 'stream') } : { shared };
          const ext = codec === 'none' ? '' : `.${codec}`;
          const path = `part-${String(index).padStart(5, '0')}-${commitId}-c000${ext}.parquet`;
          const request = {
            ...rows,
            schemaString: metadata.schemaString,
            numIndexedCols: Number.isNaN(numIndexedCols) ? 32 : numIndexedCols,
            ...(options.parquet === undefined ? {} : { parquet: options.parquet }),
          };
          // A local table's data file is written by the encoder thread itself (no bytes back to this one).
          const local = storage.local;
          const encoded = await p.encode(request, local === undefined ? undefined : { ...local, path });
          if (encoded.parquet !== undefined) await storage.write(path, encoded.parquet);
          return {
            path,
            partitionValues: {},
            size: encoded.size,
            modificationTime: Date.now(),
            dataChange: true,
            stats: encoded.stats,
          };
        }),
      );
      const result = await exclusive(() =>
        commitLocked(
          adds.map((add) => ({ add })),
          opts,
          adds,
        ),
      );
      if (!result.committed) {
        // A duplicate (the txn was already committed): these files were never referenced.
        await Promise.all(adds.map((a) => storage.delete(a.path).catch(() => undefined)));
      }
      return result;
    },
    commit(actions, opts = {}) {
      const adds = actions.flatMap((a) => ('add' in a ? [a.add] : []));
      return exclusive(() => commitLocked(actions, opts, adds));
    },
    async latestTxnVersion(appId) {
      await exclusive(catchUp);
      return state.txns.get(appId)?.version;
    },
    async scan(opts = {}) {
      const snap = await handle.snapshot(opts.version);
      return opts.tail === true && opts.limit !== undefined
        ? scanLastRows(storage, snap, opts.limit)
        : scanFiles(storage, snap, opts.limit);
    },
    async evolveSchema(schema) {
      await exclusive(catchUp);
      const metaData: MetadataAction = {
        ...(state.metadata as MetadataAction),
        schemaString: serializeDeltaSchema(schema),
      };
      return handle.commit([{ metaData }], { operation: 'ADD COLUMNS' });
    },
    checkpoint() {
      return exclusive(writeCheckpointNow);
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
 * Opens an existing table (a directory path or a {@link Storage}): loads the newest checkpoint plus later
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
