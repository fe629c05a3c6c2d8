import type { ParquetPool } from '@lakestream/delta';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import type { Wal } from '../wal/wal.js';
import { Frontier } from './frontier.js';
import { LatencyTracker } from './latency-tracker.js';
import {
  createTablePublisher,
  type DataFileOptions,
  DEFAULT_DATA_FILE_OPTIONS,
  type PendingBatch,
  type PublishStats,
  type TablePublisher,
} from './table-publisher.js';

/** Options of {@link createPublisherSet}. */
export interface PublisherSetOptions {
  readonly wal: Wal;
  readonly dataDir: string;
  /** Stable id of this node (its commits' `txn.appId` is `${nodeId}:${table}`). */
  readonly nodeId: string;
  readonly pool: ParquetPool;
  /** How the data files are encoded (default {@link DEFAULT_DATA_FILE_OPTIONS}). */
  readonly parquet?: DataFileOptions | undefined;
  /** Default 64 MiB. */
  readonly flushBytes?: number | undefined;
  /** Default 1000 ms. */
  readonly flushMs?: number | undefined;
  /** Called before the WAL is trimmed below `upTo`: persist whatever state the trimmed entries carried. */
  readonly beforeTrim: (upTo: bigint) => Promise<void>;
  /** Bytes of published batches, to release from the node's budget. */
  readonly onReleased: (bytes: number) => void;
  /** Logged failures (publishing is retried). */
  readonly onError: (table: string, error: unknown) => void;
  /** After each commit of a table: the ack → visible latencies (ms) of its batches (metrics). */
  readonly onCommitted?: ((table: string, latenciesMs: readonly number[]) => void) | undefined;
  /** Test hook, see `TablePublisherOptions.beforeCommit`. */
  readonly beforeCommit?: ((table: string) => Promise<void>) | undefined;
}

/** The node's publishers, one per table, with the durable frontier and WAL trimming. */
export interface PublisherSet extends AsyncDisposable {
  /** The publisher of `table` (created on first use). */
  publisher(table: ProvisionedTable): TablePublisher;
  /** Hands a durable entry's rows to its table's publisher (call before `resolved` for its position). */
  publish(table: ProvisionedTable, batch: PendingBatch): void;
  /** Marks WAL positions as durable and handed on (records or not): moves the frontier. */
  resolved(positions: readonly bigint[]): void;
  /** Sets the frontier's start (the WAL's next position once recovery is done). */
  startFrontier(position: bigint): void;
  readonly frontier: bigint;
  /** Bytes waiting in all publishers. */
  readonly pendingBytes: number;
  /** Ack → visible latency (ms) over recent commits. */
  readonly visibleLatency: LatencyTracker;
  /** Per table written since the node started: what waits to be published, the last commit (admin API). */
  publishInfo(): PublishStats[];
  /** Publishes everything durable now, then trims the WAL. */
  flushAll(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the publisher set. */
export function createPublisherSet(options: PublisherSetOptions): PublisherSet {
  const publishers = new Map<string, TablePublisher>();
  let frontier = new Frontier(options.wal.nextPosition);
  let trimmedTo = -1n;
  let trimming: Promise<void> | undefined;
  let trimAgain = false;
  const visibleLatency = new LatencyTracker();

  const trimPoint = (): bigint => {
    let upTo = frontier.value;
    for (const p of publishers.values()) {
      const low = p.lowestPending;
      if (low !== undefined && low < upTo) upTo = low;
    }
    return upTo;
  };

  const trim = (): void => {
    if (trimming !== undefined) {
      trimAgain = true;
      return;
    }
    trimming = (async () => {
      do {
        trimAgain = false;
        const upTo = trimPoint();
        if (upTo <= trimmedTo) continue;
        await options.beforeTrim(upTo);
        await options.wal.trim(upTo);
        trimmedTo = upTo;
      } while (trimAgain);
    })()
      .catch((err) => options.onError('(wal trim)', err))
      .finally(() => {
        trimming = undefined;
      });
  };

  const publisher = (table: ProvisionedTable): TablePublisher => {
    let p = publishers.get(table.name);
    if (p === undefined) {
      const hook = options.beforeCommit;
      p = createTablePublisher({
        table,
        dataDir: options.dataDir,
        appId: `${options.nodeId}:${table.name}`,
        pool: options.pool,
        parquet: options.parquet ?? DEFAULT_DATA_FILE_OPTIONS,
        flushBytes: options.flushBytes ?? 64 * 1024 * 1024,
        flushMs: options.flushMs ?? 1000,
        frontier: () => frontier.value,
        onPublished: (bytes, latencies) => {
          for (const l of latencies) visibleLatency.add(l);
          options.onCommitted?.(table.name, latencies);
          options.onReleased(bytes);
          trim();
        },
        onError: (err) => options.onError(table.name, err),
        beforeCommit: hook === undefined ? undefined : () => hook(table.name),
      });
      publishers.set(table.name, p);
    }
    return p;
  };

  return {
    publisher,
    publish(table, batch) {
      publisher(table).add(batch);
    },
    resolved(positions) {
      frontier.resolve(positions);
    },
    startFrontier(position) {
      frontier = new Frontier(position);
    },
    get frontier() {
      return frontier.value;
    },
    get pendingBytes() {
      let n = 0;
      for (const p of publishers.values()) n += p.pendingBytes;
      return n;
    },
    visibleLatency,
    publishInfo() {
      return [...publishers.values()].map((p) => p.stats());
    },
    async flushAll() {
      await Promise.all([...publishers.values()].map((p) => p.flush()));
      trim();
      while (trimming !== undefined) await trimming;
    },
    async close() {
      while (trimming !== undefined) await trimming;
      await Promise.all([...publishers.values()].map((p) => p.close()));
    },
    async [Symbol.asyncDispose]() {
      await this.close();
    },
  };
}
