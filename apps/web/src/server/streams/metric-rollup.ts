import type { MetricBucket, MetricSeriesKind } from '@lakestream/catalog';
import type { LivePoint, Tick } from './stream-rates';

/** The resolution of the stored chart history (ms): one bucket per series and minute. */
export const HISTORY_RESOLUTION_MS = 60_000;

/**
 * Series one bucket may hold at most: the total, then tables and nodes, then streams, in that order, until
 * this many. It bounds the history's size whatever the number of short-lived streams (a minute of 500 series
 * over 48 hours is under 1.5 million rows).
 */
export const MAX_SERIES_PER_BUCKET = 500;

/** Turns samplings (`Tick`s, one a second) into minute buckets, written once their minute is over. */
export interface MetricRollup {
  /** Adds a tick; returns the buckets of the minutes it closed (before the tick's own minute), if any. */
  add(tick: Tick): MetricBucket[];
  /** The buckets of the minute still open, as they are so far (it stays open). */
  peek(): MetricBucket[];
  /** The buckets of the minute still open, closing it (on close: written now, replaced if written again later). */
  flush(): MetricBucket[];
}

interface Accumulator {
  readonly kind: MetricSeriesKind;
  readonly seriesKey: string;
  readonly table: string;
  spanMs: number;
  records: number;
  bytes: number;
  errors: number;
  ackP99Ms: number | null;
  publishLagMs: number | null;
  timeToTableMs: number | null;
  walBacklogBytes: number | null;
}

function maxOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/**
 * A rollup of `resolutionMs` buckets (default a minute). A tick's point covers the time since the previous
 * tick (at most one bucket: a sampler that stalled does not stretch a rate over the gap): its rates times that
 * time are the counts added, and gauges keep their largest value. A tick goes to the bucket its start `t`
 * falls in; the first tick of a rollup (no previous one) only starts the clock.
 */
export function createMetricRollup(resolutionMs: number = HISTORY_RESOLUTION_MS): MetricRollup {
  let bucketAt: number | undefined;
  let series = new Map<string, Accumulator>();
  let previousT: number | undefined;

  const peek = (): MetricBucket[] => {
    if (bucketAt === undefined) return [];
    const at = bucketAt;
    return [...series.values()].map(
      (a): MetricBucket => ({
        kind: a.kind,
        seriesKey: a.seriesKey,
        table: a.table,
        at,
        resolutionMs,
        spanMs: a.spanMs,
        records: a.records,
        bytes: a.bytes,
        errors: a.errors,
        ackP99Ms: a.ackP99Ms,
        publishLagMs: a.publishLagMs,
        timeToTableMs: a.timeToTableMs,
        walBacklogBytes: a.walBacklogBytes,
      }),
    );
  };

  const close = (): MetricBucket[] => {
    const out = peek();
    series = new Map();
    bucketAt = undefined;
    return out;
  };

  const addPoint = (
    kind: MetricSeriesKind,
    seriesKey: string,
    table: string,
    point: LivePoint,
    spanMs: number,
  ) => {
    const id = `${kind}\u0000${seriesKey}`;
    let a = series.get(id);
    if (a === undefined) {
      if (series.size >= MAX_SERIES_PER_BUCKET) return;
      a = {
        kind,
        seriesKey,
        table,
        spanMs: 0,
        records: 0,
        bytes: 0,
        errors: 0,
        ackP99Ms: null,
        publishLagMs: null,
        timeToTableMs: null,
        walBacklogBytes: null,
      };
      series.set(id, a);
    }
    const seconds = spanMs / 1000;
    a.spanMs += spanMs;
    a.records += point.recordsPerSec * seconds;
    a.bytes += point.bytesPerSec * seconds;
    a.errors += point.errorsPerSec * seconds;
    a.ackP99Ms = maxOrNull(a.ackP99Ms, point.ackP99Ms);
    a.publishLagMs = maxOrNull(a.publishLagMs, point.publishLagMs);
    a.timeToTableMs = maxOrNull(a.timeToTableMs, point.timeToTableMs);
    a.walBacklogBytes = maxOrNull(a.walBacklogBytes, point.walBacklogBytes);
  };

  return {
    add(tick) {
      const at = Math.floor(tick.t / resolutionMs) * resolutionMs;
      const closed = bucketAt !== undefined && at !== bucketAt ? close() : [];
      const spanMs = previousT === undefined ? 0 : Math.min(Math.max(tick.t - previousT, 0), resolutionMs);
      previousT = tick.t;
      if (spanMs === 0) return closed;
      bucketAt = at;
      if (tick.totals !== null) addPoint('total', '', '', tick.totals, spanMs);
      for (const [table, point] of tick.tables) addPoint('table', table, table, point, spanMs);
      for (const [address, point] of tick.nodePoints) addPoint('node', address, '', point, spanMs);
      for (const { node, stream, point } of tick.streams.values()) {
        if (point !== null) addPoint('stream', `${node}/${stream.streamId}`, stream.table, point, spanMs);
      }
      return closed;
    },
    peek,
    flush: close,
  };
}
