import {
  createTable,
  DEFAULT_ROW_GROUP_BYTES,
  isDeltaError,
  openTable,
  type ParquetPool,
  type ParquetWriteOptions,
  type Table,
} from '@lakestream/delta';

/** Page compression of data files: `snappy` (fast; Spark's default), `zstd` (smaller, ~2.5× the CPU), `none`. */
export type ParquetCompression = NonNullable<ParquetWriteOptions['compression']>;

/**
 * How this node encodes its data files (`--parquet-compression`, `--parquet-statistics`,
 * `--parquet-row-group-bytes`).
 */
export interface DataFileOptions {
  readonly compression: ParquetCompression;
  /** Parquet footer statistics (`add.stats` in the Delta log are always written). */
  readonly statistics: NonNullable<ParquetWriteOptions['statistics']>;
  /**
   * Arrow bytes per row group at most: a file is encoded a row group at a time, so each encoder thread's
   * parquet-wasm memory (which never shrinks) is bounded by a row group, not by a file of up to half a
   * commit; 0: each file at once, in one row group (delta's `ParquetWriteOptions.rowGroupBytes`).
   */
  readonly rowGroupBytes: number;
}

/**
 * The node's defaults: snappy pages, no footer statistics (measured in bench/README.md, Fan-in), row groups
 * of at most 8 MiB of Arrow data (apps/ingest/README.md, Memory).
 */
export const DEFAULT_DATA_FILE_OPTIONS: DataFileOptions = {
  compression: 'snappy',
  statistics: 'none',
  rowGroupBytes: DEFAULT_ROW_GROUP_BYTES,
};

import type { RecordBatch } from 'apache-arrow';
import { IngestError } from '../base/errors.js';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import { tableLocation } from '../catalog/table-location.js';
import { LatencyTracker } from './latency-tracker.js';
import { type PackedRows, toBatches } from './packed-rows.js';
import { PendingQueue } from './pending-queue.js';

/** One durable WAL entry's rows, waiting to be published. */
export interface PendingBatch {
  readonly position: bigint;
  /** Decoded, or packed (a small request's records, decoded with their neighbours' at commit: `PackedRows`). */
  readonly batch: RecordBatch | PackedRows;
  /**
   * Called once the rows are in the table (or found there already): gives the batch's memory back for reuse
   * (see `DecodedRecords`) and its bytes back to the budget that admitted it.
   */
  readonly release: () => void;
  /** Bytes of memory it holds until then (what a commit's size is counted in). */
  readonly bytes: number;
  /** When it was acked (ms, `performance.now()`), for the ack → visible latency; `undefined` at recovery. */
  readonly ackedAt: number | undefined;
}

/** Options of {@link createTablePublisher}. */
export interface TablePublisherOptions {
  readonly table: ProvisionedTable;
  /**
   * The table as the node's catalog has it now (default: `table`): the schema the Delta table is created
   * with, and widened to by the next commit when columns were added to it (a new `metaData` in that commit).
   */
  readonly current?: (() => ProvisionedTable) | undefined;
  /** Base for relative table locations. */
  readonly dataDir: string;
  /** `txn.appId` of this node's commits to the table (`tableAppId`: node id, WAL incarnation, table). */
  readonly appId: string;
  /**
   * The WAL's next position when the node opened it: earlier lives of this WAL may have committed positions
   * below it; a `txn.version` of `appId` at or above it that this publisher did not commit is another writer's.
   */
  readonly liveFrom: bigint;
  /**
   * The appId this WAL committed the table under before it had an incarnation (`formerTableAppId`): positions
   * below `below` at or under its `txn.version` are in the table too. `undefined`: none.
   */
  readonly formerAppId?: { readonly appId: string; readonly below: bigint } | undefined;
  readonly pool: ParquetPool;
  /** How the data files are encoded. */
  readonly parquet: DataFileOptions;
  /** Publish once this many bytes wait… */
  readonly flushBytes: number;
  /** …or once the oldest waiting batch is this old (ms). */
  readonly flushMs: number;
  /** Every WAL position below it is durable and was handed to its publisher (only those are published). */
  readonly frontier: () => bigint;
  /** After each commit (or batches found in the table already): the ack → visible latencies (ms). */
  readonly onPublished: (latenciesMs: readonly number[]) => void;
  /** A failed attempt (it is retried with backoff). */
  readonly onError: (error: unknown) => void;
  /** After each commit made: its Delta version and the races it lost to other writers first (`retries`). */
  readonly onCommit?: ((commit: { readonly version: number; readonly retries: number }) => void) | undefined;
  /** Another writer commits under `appId`: publishing to the table has stopped (see `IdentityConflict`). */
  readonly onIdentityConflict: (conflict: IdentityConflict) => void;
  /** Test hook: awaited before every commit (a stalled disk, a slow encoder). */
  readonly beforeCommit?: (() => Promise<void>) | undefined;
}

/** What waits to be published in one table, and this node's last commit to it (admin `ListStreams`). */
export interface PublishStats {
  /** Three-part table name, lower case. */
  readonly table: string;
  /** Age (ms) of the oldest record acked and not yet in the table; 0 when nothing waits. */
  readonly oldestUnpublishedAgeMs: number;
  /** Records acked and not yet in the table. */
  readonly unpublishedRecords: number;
  /** The bytes of memory they hold in the node's buffer until published (its in-flight budget). */
  readonly unpublishedBytes: number;
  /** The Delta version of this node's last commit to the table since it started; `undefined` before one. */
  readonly lastCommittedVersion: number | undefined;
  /** When that commit was made (ms since the epoch). */
  readonly lastCommitAt: number | undefined;
  /** Set while publishing fails: the last error in words, since when (ms since the epoch), attempts so far. */
  readonly failing: PublishFailure | undefined;
  /**
   * Time to table: ack → visible in a Delta commit (ms), median and 99th percentile over the table's last
   * `TIME_TO_TABLE_SAMPLES` published batches; `undefined` before its first commit since the node started.
   */
  readonly timeToTableP50Ms: number | undefined;
  readonly timeToTableP99Ms: number | undefined;
}

/** Published batches per table whose ack → visible latency makes the table's time to table. */
export const TIME_TO_TABLE_SAMPLES = 256;

/**
 * The table holds a `txn` of this node's appId that neither this publisher nor an earlier life of its WAL
 * committed: another writer holds the same identity (a copy of the WAL directory). Found when a commit is
 * discarded as a duplicate (`committed: false`) though its rows are not in the table, or when the appId's
 * version is at or above `liveFrom` before this publisher committed it, or after a failed commit is not the
 * one it tried. The publisher stops publishing the table rather than take rows for published: it reports
 * `failing` with `error` and keeps the batches, so the WAL keeps their records.
 */
export interface IdentityConflict {
  readonly appId: string;
  /** The `txn.version` (highest WAL position) of the commit discarded; `undefined` when none was tried. */
  readonly version: bigint | undefined;
  /** The appId's `txn.version` in the table, which this publisher did not write. */
  readonly foundVersion: bigint;
  /** The table version read. */
  readonly tableVersion: number;
  /** The same in words, for the log and the node's health. */
  readonly error: IngestError;
}

/** Why a table's publishing is failing (it is retried with backoff; the WAL keeps the records). */
export interface PublishFailure {
  readonly error: string;
  readonly since: number;
  readonly attempts: number;
}

/**
 * Publishes one table: buffers decoded batches with their WAL positions and commits them, in WAL order, as
 * Delta appends of at most `flushBytes` each with `txn = {appId, version: highest position}` — so a replayed
 * publish is a no-op.
 * Only a prefix below the frontier is published: every entry of the table at or below `version` is then in
 * the table, which is what recovery relies on — and what the publisher itself checks before every commit:
 * batches at or below the table's `txn.version` for this node (entries replayed after a crash that a commit
 * just before it had published) are settled without being committed again. A failed commit is retried
 * (1 s, doubling to 30 s) with the batches kept, so a slow or broken disk turns into backpressure, not loss.
 * The appId's versions in the table are all this publisher's (read at first use, below `liveFrom`, then its
 * own commits): any other is another writer's, and publishing the table stops (`IdentityConflict`).
 */
export interface TablePublisher extends AsyncDisposable {
  readonly name: string;
  /** Queues a batch (positions must be added in increasing order per stream; any order across streams). */
  add(batch: PendingBatch): void;
  /** Lowest WAL position not yet published, or `undefined` when nothing waits. */
  readonly lowestPending: bigint | undefined;
  readonly pendingBytes: number;
  /** What waits and the last commit; walks the waiting batches (no I/O), meant for an admin call per second. */
  stats(): PublishStats;
  /**
   * The highest WAL position of this node's commits to the table (its latest `txn.version`; `-1n` before the
   * first), or `undefined` when the table cannot be read now (the cause is in `stats().failing`). Cached once
   * read; never throws.
   */
  publishedThrough(): Promise<bigint | undefined>;
  /** Publishes everything below the frontier now; resolves when it is committed. */
  flush(): Promise<void>;
  /** Starts publishing what waits below the frontier now, without waiting for it (failures are retried). */
  publishSoon(): void;
  /** Stops the timer; does not publish (call `flush` first for that). */
  close(): Promise<void>;
}

/** Creates the publisher of one table (the Delta table is opened, or created from the catalog, lazily). */
export function createTablePublisher(options: TablePublisherOptions): TablePublisher {
  const { table, appId, liveFrom } = options;
  const current = options.current ?? (() => table);
  const pending = new PendingQueue<PendingBatch>();
  let pendingBytes = 0;
  let oldestAt = 0;
  const timeToTable = new LatencyTracker(TIME_TO_TABLE_SAMPLES);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let handle: Promise<Table> | undefined;
  let backoffMs = 0;
  let lastCommit: { version: number; at: number } | undefined;
  let failing: PublishFailure | undefined;
  /** Records a failure to publish (or to read the table) in `failing` and reports it. */
  const fail = (err: unknown): void => {
    failing = {
      error: err instanceof Error ? err.message : String(err),
      since: failing?.since ?? Date.now(),
      attempts: (failing?.attempts ?? 0) + 1,
    };
    options.onError(err);
  };
  /**
   * What this node has in the table, once read: its appId's latest `txn.version` (-1n: none; then only its own
   * commits move it), and the former appId's, capped below its WAL's first incarnated position. Every entry
   * at or below either is in the table (`through`).
   */
  let known: { own: bigint; former: bigint } | undefined;
  /** Every entry of the table at or below it is in the table: the later of the two. */
  const throughOf = (k: { own: bigint; former: bigint }): bigint =>
    // biome-ignore lint/complexity/useMathMinMax: bigints (Math.max takes numbers only)
    k.former > k.own ? k.former : k.own;
  /** Versions of commits that failed with an unknown outcome (the commit may have landed): looked up again. */
  const unsure = new Set<bigint>();
  /** Set once another writer was found committing under this appId: nothing is published any more. */
  let stopped: IngestError | undefined;

  const parquet = { ...options.parquet };
  const open = (): Promise<Table> => {
    handle ??= (async () => {
      // Resolved here, so that a location delta refuses (UNSUPPORTED_LOCATION) is a failure of this publish.
      const location = tableLocation(options.dataDir, table);
      try {
        return await openTable(location, { pool: options.pool, parquet });
      } catch (err) {
        if (!isDeltaError(err) || err.code !== 'TABLE_NOT_FOUND') throw err;
      }
      try {
        return await createTable(location, {
          pool: options.pool,
          parquet,
          schema: current().schema,
          properties: { ...table.properties },
          name: table.name,
        });
      } catch (err) {
        if (isDeltaError(err) && err.code === 'TABLE_EXISTS')
          return openTable(location, { pool: options.pool, parquet });
        throw err;
      }
    })();
    handle.catch(() => {
      handle = undefined;
    });
    return handle;
  };

  /** Stops publishing the table: another writer commits under this appId (see `IdentityConflict`). */
  const conflict = (version: bigint | undefined, foundVersion: bigint, tableVersion: number): IngestError => {
    if (stopped !== undefined) return stopped;
    const what =
      version === undefined
        ? `before publishing WAL positions from ${pending.lowest() ?? liveFrom}`
        : `the commit of WAL positions up to ${version} was discarded:`;
    stopped = new IngestError(
      'FAILED_PRECONDITION',
      `table ${table.name}, txn appId ${appId}: ${what} the table (version ${tableVersion}) holds txn version ${foundVersion} of that appId, which this node did not commit — another writer holds this node's identity (a copy of its WAL directory?). Publishing to this table stopped; the WAL keeps its records. Stop the other writer before restarting this node (see README, Writer identity)`,
    );
    failing = { error: stopped.message, since: Date.now(), attempts: 1 };
    options.onIdentityConflict({ appId, version, foundVersion, tableVersion, error: stopped });
    return stopped;
  };

  /**
   * Every entry of the table at or below it is in the table: read at first use (this node's appId, and the
   * former one), then moved by this publisher's commits. After a commit that failed with an unknown outcome,
   * read again: a version it tried may have landed; any other is another writer's (`conflict`).
   */
  const readThrough = async (t: Table): Promise<bigint> => {
    if (known === undefined) {
      const own = (await t.latestTxnVersion(appId)) ?? -1n;
      if (own >= liveFrom) throw conflict(undefined, own, t.version);
      const former = options.formerAppId;
      let formerThrough = -1n;
      if (former !== undefined) {
        const v = (await t.latestTxnVersion(former.appId)) ?? -1n;
        formerThrough = v < former.below ? v : former.below - 1n;
      }
      // A concurrent first read (the replay's `publishedThrough`) may have set it: never move it back.
      known ??= { own, former: formerThrough };
    } else if (unsure.size > 0) {
      const latest = (await t.latestTxnVersion(appId)) ?? -1n;
      if (latest !== known.own && !unsure.has(latest)) throw conflict(undefined, latest, t.version);
      known.own = latest;
      unsure.clear();
    }
    return throughOf(known);
  };

  /**
   * Sets the timer of the next publish: once the oldest waiting batch is `flushMs` old (at once when
   * `flushBytes` wait). Never while a publish runs: it schedules when it ends, from the batches still waiting
   * then — a timer set meanwhile would count from a batch being committed, and publish the batches that
   * arrived during the commit right after it, in a small follow-up commit of their own.
   */
  const schedule = (): void => {
    if (closed || stopped !== undefined || running !== undefined || timer !== undefined) return;
    if (pending.length === 0) return;
    const due =
      pendingBytes >= options.flushBytes ? 0 : Math.max(0, oldestAt + options.flushMs - performance.now());
    timer = setTimeout(
      () => {
        timer = undefined;
        run().catch(() => undefined);
      },
      Math.max(due, backoffMs),
    );
  };

  /** Takes the first `n` pending batches out (they are in the table now) and gives their memory back. */
  const settle = (n: number): void => {
    const take = pending.take(n);
    const now = performance.now();
    const latencies: number[] = [];
    for (const p of take) {
      pendingBytes -= p.bytes;
      if (p.ackedAt !== undefined) {
        latencies.push(now - p.ackedAt);
        timeToTable.add(now - p.ackedAt);
      }
      p.release();
    }
    // The next publish is due an interval after the oldest batch still waiting arrived (acked), not after now.
    oldestAt = pending.at(0)?.ackedAt ?? now;
    options.onPublished(latencies);
  };

  /** Publishes the prefix below the frontier; `false` when there was none. */
  const publishOnce = async (): Promise<boolean> => {
    if (stopped !== undefined) throw stopped;
    const frontier = options.frontier();
    if (pending.length === 0 || pending.at(0)!.position >= frontier) return false;
    const t = await open();
    // Entries replayed after a crash may be in the table already (a commit made just before it): never
    // commit those twice. Every entry of this table at or below `through` is in it (see the interface).
    const through = await readThrough(t);
    let inTable = 0;
    while (inTable < pending.length && pending.at(inTable)!.position <= through) inTable++;
    if (inTable > 0) settle(inTable);
    // At most `flushBytes` per commit (at least one batch): a backlog is published in several commits, so the
    // copies made while encoding (IPC bytes, the encoders' memory) stay bounded by it, not by the backlog.
    let n = 0;
    let taking = 0;
    while (
      n < pending.length &&
      pending.at(n)!.position < frontier &&
      (n === 0 || taking < options.flushBytes)
    ) {
      taking += pending.at(n)!.bytes;
      n++;
    }
    if (n === 0) return inTable > 0;
    if (n < pending.length && pending.at(n)!.position < frontier) again = true;
    const take = pending.front(n);
    if (options.beforeCommit !== undefined) await options.beforeCommit();
    const version = take[take.length - 1]!.position;
    // Packed rows (small requests) are decoded here, together: the encoder gets a few large batches.
    let committed: Awaited<ReturnType<Table['append']>>;
    try {
      // Batches decoded under an older schema (streams opened before columns were added) lack the new
      // columns: their rows hold nulls there. The catalog's schema widens the table in this same commit.
      committed = await t.append(toBatches(take.map((p) => p.batch)), {
        txn: { appId, version },
        schema: current().schema,
      });
    } catch (err) {
      // The commit may have landed before the failure (a lost reply): `readThrough` looks before the retry.
      unsure.add(version);
      throw err;
    }
    // Everything at or below `through` was settled above: a txn covering this one is another writer's.
    if (!committed.committed) {
      const found = (await t.latestTxnVersion(appId)) ?? -1n;
      throw conflict(version, found, committed.version);
    }
    lastCommit = { version: committed.version, at: Date.now() };
    known!.own = version;
    options.onCommit?.({ version: committed.version, retries: committed.retries });
    settle(n);
    return true;
  };

  const run = (): Promise<void> => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          // Nothing below the frontier yet (an earlier WAL append is still in flight): look again shortly.
          backoffMs = (await publishOnce()) ? 0 : 10;
          failing = undefined;
        } catch (err) {
          backoffMs = Math.min(30_000, Math.max(1000, backoffMs * 2));
          // A discarded commit was reported as such (`failing` says why); it is not retried.
          if (err !== stopped) fail(err);
          throw err;
        }
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
      schedule();
    });
    return running;
  };

  return {
    name: table.name,
    add(batch) {
      if (pending.length === 0) oldestAt = performance.now();
      pending.push(batch);
      pendingBytes += batch.bytes;
      if (pendingBytes >= options.flushBytes && timer !== undefined && backoffMs === 0) {
        clearTimeout(timer);
        timer = undefined;
      }
      schedule();
    },
    get lowestPending() {
      return pending.lowest();
    },
    get pendingBytes() {
      return pendingBytes;
    },
    stats() {
      let records = 0;
      // Batches replayed at recovery have no ack time: they count from when the queue last started filling.
      let oldest = Number.POSITIVE_INFINITY;
      for (const p of pending) {
        records += p.batch.numRows;
        const at = p.ackedAt ?? oldestAt;
        if (at < oldest) oldest = at;
      }
      return {
        table: table.name,
        oldestUnpublishedAgeMs: pending.length === 0 ? 0 : Math.max(0, performance.now() - oldest),
        unpublishedRecords: records,
        unpublishedBytes: pendingBytes,
        lastCommittedVersion: lastCommit?.version,
        lastCommitAt: lastCommit?.at,
        failing,
        timeToTableP50Ms: timeToTable.quantile(0.5),
        timeToTableP99Ms: timeToTable.quantile(0.99),
      };
    },
    async publishedThrough() {
      if (known !== undefined && unsure.size === 0) return throughOf(known);
      try {
        const through = await readThrough(await open());
        // A failed read set `failing`; with nothing to publish, no commit would ever clear it.
        if (pending.length === 0 && stopped === undefined) failing = undefined;
        return through;
      } catch (err) {
        if (err !== stopped) fail(err);
        return undefined;
      }
    },
    async flush() {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (running !== undefined) await running.catch(() => undefined);
      await run();
    },
    publishSoon() {
      if (closed || stopped !== undefined || running !== undefined || backoffMs > 10) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      run().catch(() => undefined);
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (running !== undefined) await running.catch(() => undefined);
      if (handle !== undefined) await (await handle.catch(() => undefined))?.close();
    },
    async [Symbol.asyncDispose]() {
      await this.close();
    },
  };
}
