import type { CatalogDb, MetricBucket } from '@lakestream/catalog';
import { pruneMetricHistory, recordMetricBuckets } from '../catalog';
import { createMetricRollup, HISTORY_RESOLUTION_MS } from './metric-rollup';
import type { Tick } from './stream-rates';

const HOUR_MS = 3_600_000;
/** Pruning runs at most this often (ms): one indexed DELETE. */
const PRUNE_EVERY_MS = 10 * 60_000;

/** Where the sampler puts its ticks for the chart history (see `createMetricHistorySink`). */
export interface MetricSink {
  /** Adds a sampling; writes the minutes it closed. */
  record(tick: Tick): Promise<void>;
  /** The minute still open (not written yet), for charts that reach up to now. */
  pending(): MetricBucket[];
  /** Writes the minute still open (the sampler's close). */
  flush(): Promise<void>;
}

/**
 * The chart history in the catalog as the sampler's sink: ticks are downsampled on write into minute buckets
 * (`createMetricRollup`), each minute written once it is over (and the open one on close, so a restart loses
 * at most the samplings of one failed write), and buckets older than `retentionHours` are pruned, at most
 * every ten minutes.
 */
export function createMetricHistorySink(
  db: CatalogDb,
  retentionHours: number,
  now: () => number = Date.now,
): MetricSink & { prune(): Promise<number> } {
  const rollup = createMetricRollup(HISTORY_RESOLUTION_MS);
  let prunedAt = 0;
  const prune = async () => {
    prunedAt = now();
    return await pruneMetricHistory(db, prunedAt - retentionHours * HOUR_MS);
  };
  return {
    async record(tick) {
      const closed = rollup.add(tick);
      if (closed.length > 0) await recordMetricBuckets(db, closed);
      if (now() - prunedAt >= PRUNE_EVERY_MS) await prune();
    },
    pending: () => rollup.peek(),
    flush: () => recordMetricBuckets(db, rollup.flush()),
    prune,
  };
}
