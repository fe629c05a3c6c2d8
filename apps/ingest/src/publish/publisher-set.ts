import type { ParquetPool } from '@lakestream/delta';
import { IngestError } from '../base/errors.js';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import type { Wal } from '../wal/wal.js';
import { Frontier } from './frontier.js';
import { LatencyTracker } from './latency-tracker.js';
import {
  createTablePublisher,
  type DataFileOptions,
  DEFAULT_DATA_FILE_OPTIONS,
  type IdentityConflict,
  type PendingBatch,
  type PublishStats,
  type TablePublisher,
} from './table-publisher.js';
import { formerTableAppId, tableAppId, type WriterIdentity } from './txn-app-id.js';

/** WAL positions that must stay in the log though no publisher holds them (see `HeldEntries`). */
export interface TrimBarrier {
  /** The lowest such position, or `undefined` when there is none. */
  lowest(): bigint | undefined;
}

/** Options of {@link createPublisherSet}. */
export interface PublisherSetOptions {
  readonly wal: Wal;
  readonly dataDir: string;
  /** This node and its WAL incarnation: its commits' `txn.appId` (see `txn-app-id.ts`). */
  readonly writer: WriterIdentity;
  readonly pool: ParquetPool;
  /** How the data files are encoded (default {@link DEFAULT_DATA_FILE_OPTIONS}). */
  readonly parquet?: DataFileOptions | undefined;
  /**
   * The table of that name in the node's current catalog, `undefined` when it is not provisioned: what the
   * publishers create and widen Delta tables to (see `TablePublisherOptions.current`). Default: the table as
   * first published.
   */
  readonly tableNamed?: ((name: string) => ProvisionedTable | undefined) | undefined;
  /** Default 64 MiB. */
  readonly flushBytes?: number | undefined;
  /** Default 1000 ms. */
  readonly flushMs?: number | undefined;
  /** Entries kept in the WAL for an operator to decide on (held at recovery); none when absent. */
  readonly held?: TrimBarrier | undefined;
  /** Called before the WAL is trimmed below `upTo`: persist whatever state the trimmed entries carried. */
  readonly beforeTrim: (upTo: bigint) => Promise<void>;
  /**
   * Called with the trim point whenever a commit may have moved it (every WAL entry below it is published,
   * or decided on), whether or not a segment can be deleted: `PublishedMark` keeps it.
   */
  readonly onPublishedBelow?: ((position: bigint) => void) | undefined;
  /** Logged failures (publishing is retried). */
  readonly onError: (table: string, error: unknown) => void;
  /** A failed WAL trim (saving state, or deleting segments): tried again after the next commit. */
  readonly onTrimError: (error: unknown) => void;
  /** After each commit of a table: the ack → visible latencies (ms) of its batches (metrics). */
  readonly onCommitted?: ((table: string, latenciesMs: readonly number[]) => void) | undefined;
  /** A commit that landed at Delta `version` after losing `retries` races to other writers (metrics, log). */
  readonly onCommitRetried?: ((table: string, version: number, retries: number) => void) | undefined;
  /** Another writer commits under this node's appId (a commit was, or would be, discarded): the table stopped. */
  readonly onIdentityConflict: (table: string, conflict: IdentityConflict) => void;
  /** Test hook, see `TablePublisherOptions.beforeCommit`. */
  readonly beforeCommit?: ((table: string) => Promise<void>) | undefined;
}

/** The node's publishers, one per table, with the durable frontier and WAL trimming. */
export interface PublisherSet extends AsyncDisposable {
  /** The publisher of `table` (created on first use). */
  publisher(table: ProvisionedTable): TablePublisher;
  /** Hands a durable entry's rows to its table's publisher (call before `resolved` for its position). */
  publish(table: ProvisionedTable, batch: PendingBatch): void;
  /**
   * Marks WAL positions as handed on — durable, and their rows (if any) given to a publisher, or the entry
   * held, or found published already — which moves the frontier over every gap-free run. The frontier starts
   * at the WAL's oldest position: entries recovered at start are resolved one by one by the replay.
   */
  resolved(positions: readonly bigint[]): void;
  /** Every WAL position below it is resolved (see `resolved`). */
  readonly frontier: bigint;
  /** Bytes waiting in all publishers. */
  readonly pendingBytes: number;
  /** The lowest WAL position waiting in any publisher, `undefined` when none waits. */
  lowestPending(): bigint | undefined;
  /** Ack → visible latency (ms) over recent commits. */
  readonly visibleLatency: LatencyTracker;
  /** Per table written since the node started: what waits to be published, the last commit (admin API). */
  publishInfo(): PublishStats[];
  /** Starts publishing every table's waiting batches now (recovery, when its memory is full). */
  publishSoon(): void;
  /** Publishes everything durable now, then trims the WAL. */
  flushAll(): Promise<void>;
  /** Trims the WAL as far as the invariant allows now (after held entries were let go); resolves when done. */
  trimNow(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates the publisher set, before anything is appended to `wal`: its next position then is where this life
 * of the WAL starts (positions of earlier lives may be in the tables already; see `TablePublisherOptions.liveFrom`).
 */
export function createPublisherSet(options: PublisherSetOptions): PublisherSet {
  const { wal } = options;
  const publishers = new Map<string, TablePublisher>();
  const frontier = new Frontier(wal.oldestPosition);
  // Created before anything is appended (see `openIngestNode`): what the WAL held from earlier lives.
  const liveFrom = wal.nextPosition;
  let trimmedTo = -1n;
  let trimming: Promise<void> | undefined;
  let trimAgain = false;
  const visibleLatency = new LatencyTracker();

  /**
   * THE INVARIANT: the WAL is never trimmed past an entry whose records are not in a committed Delta version.
   * Below the frontier every entry was handed on: to a publisher (then it is published, or still pending
   * there), or to the held entries, or it carried no records, or its table holds it already. So the trim
   * point is the lowest of the frontier, every publisher's lowest pending position and the lowest held one.
   * A position recovered at start is resolved only once the replay handed it on, never before.
   */
  const trimPoint = (): bigint => {
    let upTo = frontier.value;
    for (const p of publishers.values()) {
      const low = p.lowestPending;
      if (low !== undefined && low < upTo) upTo = low;
    }
    const held = options.held?.lowest();
    if (held !== undefined && held < upTo) upTo = held;
    return upTo;
  };

  /** Checks the invariant again from each part's own state before anything is deleted (fails safe: no trim). */
  const assertTrimmable = (upTo: bigint): void => {
    const broken: string[] = [];
    if (upTo > frontier.value) broken.push(`the frontier is at ${frontier.value}`);
    for (const p of publishers.values()) {
      const low = p.lowestPending;
      if (low !== undefined && upTo > low) broken.push(`table ${p.name} still waits to publish ${low}`);
    }
    const held = options.held?.lowest();
    if (held !== undefined && upTo > held) broken.push(`position ${held} is held`);
    if (broken.length > 0)
      throw new IngestError(
        'INTERNAL',
        `refusing to trim the WAL to position ${upTo}: ${broken.join('; ')} (a bug: nothing was deleted)`,
      );
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
        options.onPublishedBelow?.(upTo);
        // Only when a segment can go: saving state before a trim that deletes nothing is an fsync for nothing.
        if (upTo <= trimmedTo || wal.trimmable(upTo) === 0) continue;
        await options.beforeTrim(upTo);
        assertTrimmable(upTo);
        await wal.trim(upTo);
        trimmedTo = upTo;
      } while (trimAgain);
    })()
      .catch((err) => options.onTrimError(err))
      .finally(() => {
        trimming = undefined;
      });
  };

  const publisher = (table: ProvisionedTable): TablePublisher => {
    let p = publishers.get(table.name);
    if (p === undefined) {
      const hook = options.beforeCommit;
      const { tableNamed } = options;
      p = createTablePublisher({
        table,
        current: tableNamed === undefined ? undefined : () => tableNamed(table.name) ?? table,
        dataDir: options.dataDir,
        appId: tableAppId(options.writer, table.name),
        liveFrom,
        formerAppId: formerTableAppId(options.writer, table.name),
        pool: options.pool,
        parquet: options.parquet ?? DEFAULT_DATA_FILE_OPTIONS,
        flushBytes: options.flushBytes ?? 64 * 1024 * 1024,
        flushMs: options.flushMs ?? 1000,
        frontier: () => frontier.value,
        onPublished: (latencies) => {
          for (const l of latencies) visibleLatency.add(l);
          options.onCommitted?.(table.name, latencies);
          trim();
        },
        onError: (err) => options.onError(table.name, err),
        onCommit: ({ version, retries }) => {
          if (retries > 0) options.onCommitRetried?.(table.name, version, retries);
        },
        onIdentityConflict: (conflict) => options.onIdentityConflict(table.name, conflict),
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
      // Entries without records (or found published) move the frontier only: trim past them too.
      if (frontier.resolve(positions) && wal.trimmable(trimPoint()) > 0) trim();
    },
    get frontier() {
      return frontier.value;
    },
    get pendingBytes() {
      let n = 0;
      for (const p of publishers.values()) n += p.pendingBytes;
      return n;
    },
    lowestPending() {
      let low: bigint | undefined;
      for (const p of publishers.values()) {
        const l = p.lowestPending;
        if (l !== undefined && (low === undefined || l < low)) low = l;
      }
      return low;
    },
    visibleLatency,
    publishInfo() {
      return [...publishers.values()].map((p) => p.stats());
    },
    publishSoon() {
      for (const p of publishers.values()) if (p.lowestPending !== undefined) p.publishSoon();
    },
    async flushAll() {
      await Promise.all([...publishers.values()].map((p) => p.flush()));
      await this.trimNow();
    },
    async trimNow() {
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
