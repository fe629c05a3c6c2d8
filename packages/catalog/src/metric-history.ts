import { and, asc, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { CatalogDb, CatalogTables } from './db/catalog-db.js';

/*
 * The console's chart history: per series (every table together, a table, a stream, a node) one bucket per
 * `resolutionMs` (a minute), downsampled by the control plane from its samplings before it is written. Three
 * calls make the whole API — record, read, prune — so that whatever evaluates the series later (charts,
 * alert rules) reads the same rows the same way.
 */

/** Retention of the chart history when none is configured: 48 hours (the longest chart window is 24 h). */
export const DEFAULT_METRIC_HISTORY_HOURS = 48;

/** What a series is of. */
export const METRIC_SERIES_KINDS = ['total', 'table', 'stream', 'node'] as const;
/** One of `METRIC_SERIES_KINDS`. */
export type MetricSeriesKind = (typeof METRIC_SERIES_KINDS)[number];

/** Rows one `readMetricHistory` returns at most, unless it asks for fewer. */
export const METRIC_HISTORY_READ_LIMIT = 100_000;

/**
 * One bucket of one series. Counts (`records`, `bytes`, `errors`) are summed over the samplings of the
 * bucket, which cover `spanMs` of it: a rate is `records / (spanMs / 1000)`. Gauges are the bucket's largest
 * value, null when no sampling had one (no ack yet, a node that does not report it).
 */
export interface MetricBucket {
  readonly kind: MetricSeriesKind;
  /** '' (total), the table name, `<node admin address>/<stream id>`, or the node's admin address. */
  readonly seriesKey: string;
  /** The table of a table or stream series; '' for total and node series. */
  readonly table: string;
  /** Start of the bucket (ms since the epoch), a multiple of `resolutionMs`. */
  readonly at: number;
  readonly resolutionMs: number;
  readonly spanMs: number;
  readonly records: number;
  readonly bytes: number;
  readonly errors: number;
  readonly ackP99Ms: number | null;
  /** Age of the oldest acked record not yet in the Delta table (ms). */
  readonly publishLagMs: number | null;
  /** Ack → visible in a Delta commit (ms): the p99 the nodes report. */
  readonly timeToTableMs: number | null;
  /** Acked bytes not yet published (the WAL backlog). */
  readonly walBacklogBytes: number | null;
}

/** Which buckets `readMetricHistory` returns. */
export interface MetricHistoryQuery {
  /** Buckets starting at or after this (ms since the epoch). */
  readonly since: number;
  /** Buckets starting before this; default: no end. */
  readonly until?: number | undefined;
  /** Only these kinds; default all. */
  readonly kinds?: readonly MetricSeriesKind[] | undefined;
  /** Only the series of this table (its table series and its streams; any case). */
  readonly table?: string | undefined;
  /** Only buckets of this resolution; default any. */
  readonly resolutionMs?: number | undefined;
  /** At most this many rows, oldest first (default and cap `METRIC_HISTORY_READ_LIMIT`). */
  readonly limit?: number | undefined;
}

/** Rows per INSERT (13 parameters each: far below both engines' limits). */
const INSERT_CHUNK = 200;

/**
 * Stores `buckets`. A bucket stored before (same kind, series, resolution and start) is replaced, so writing
 * a bucket again after more samplings arrived, or after a console restart, is harmless.
 */
export function recordMetricBuckets(db: CatalogDb, buckets: readonly MetricBucket[]): Promise<void> {
  if (buckets.length === 0) return Promise.resolve();
  return db.transaction(async ({ orm, tables: { MetricHistory } }) => {
    for (let i = 0; i < buckets.length; i += INSERT_CHUNK) {
      await orm
        .insert(MetricHistory)
        .values(buckets.slice(i, i + INSERT_CHUNK).map(toRow))
        .onConflictDoUpdate({
          target: [MetricHistory.kind, MetricHistory.seriesKey, MetricHistory.resolutionMs, MetricHistory.at],
          set: {
            spanMs: sql`excluded.span_ms`,
            records: sql`excluded.records`,
            bytes: sql`excluded.bytes`,
            errors: sql`excluded.errors`,
            ackP99Ms: sql`excluded.ack_p99_ms`,
            publishLagMs: sql`excluded.publish_lag_ms`,
            timeToTableMs: sql`excluded.time_to_table_ms`,
            walBacklogBytes: sql`excluded.wal_backlog_bytes`,
          },
        });
    }
  });
}

/** The buckets `query` selects, oldest first (then by kind and series). */
export function readMetricHistory(db: CatalogDb, query: MetricHistoryQuery): Promise<MetricBucket[]> {
  return db.run(async ({ orm, tables: { MetricHistory: M } }) => {
    const conditions: SQL[] = [gte(M.at, query.since)];
    if (query.until !== undefined) conditions.push(lt(M.at, query.until));
    if (query.kinds !== undefined) conditions.push(inArray(M.kind, [...query.kinds]));
    const table = query.table?.trim().toLowerCase();
    if (table) conditions.push(eq(M.tableName, table));
    if (query.resolutionMs !== undefined) conditions.push(eq(M.resolutionMs, query.resolutionMs));
    const limit = Math.min(query.limit ?? METRIC_HISTORY_READ_LIMIT, METRIC_HISTORY_READ_LIMIT);
    const rows = await orm
      .select()
      .from(M)
      .where(and(...conditions))
      .orderBy(asc(M.at), asc(M.kind), asc(M.seriesKey))
      .limit(limit);
    return rows.map(toBucket);
  });
}

/** Deletes the buckets that start before `before` (ms since the epoch); returns how many. */
export function pruneMetricHistory(db: CatalogDb, before: number): Promise<number> {
  return db.run(async ({ orm, tables: { MetricHistory } }) => {
    const deleted = await orm
      .delete(MetricHistory)
      .where(lt(MetricHistory.at, before))
      .returning({ at: MetricHistory.at });
    return deleted.length;
  });
}

type Row = CatalogTables['MetricHistory']['$inferSelect'];

function toRow(b: MetricBucket): Row {
  return {
    kind: b.kind,
    seriesKey: b.seriesKey,
    tableName: b.table,
    at: b.at,
    resolutionMs: b.resolutionMs,
    spanMs: Math.round(b.spanMs),
    records: Math.round(b.records),
    bytes: Math.round(b.bytes),
    errors: Math.round(b.errors),
    ackP99Ms: roundOrNull(b.ackP99Ms),
    publishLagMs: roundOrNull(b.publishLagMs),
    timeToTableMs: roundOrNull(b.timeToTableMs),
    walBacklogBytes: roundOrNull(b.walBacklogBytes),
  };
}

function toBucket(row: Row): MetricBucket {
  return {
    kind: row.kind,
    seriesKey: row.seriesKey,
    table: row.tableName,
    at: row.at,
    resolutionMs: row.resolutionMs,
    spanMs: row.spanMs,
    records: row.records,
    bytes: row.bytes,
    errors: row.errors,
    ackP99Ms: row.ackP99Ms,
    publishLagMs: row.publishLagMs,
    timeToTableMs: row.timeToTableMs,
    walBacklogBytes: row.walBacklogBytes,
  };
}

/** Integer columns on both engines: sub-millisecond and fractional counts are rounded. */
function roundOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
