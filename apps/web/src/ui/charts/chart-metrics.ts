import type { ChartPoint } from '../../server/streams/chart-view';
import { formatBytes, formatMs, formatNumber } from '../format';

/** What a series chart can plot, each point's value and how to print it. */
export const CHART_METRICS = {
  records: {
    label: 'Records/s',
    pick: (p: ChartPoint) => p.recordsPerSec,
    format: (v: number) => `${formatNumber(v)}/s`,
  },
  bytes: {
    label: 'Bytes/s',
    pick: (p: ChartPoint) => p.bytesPerSec,
    format: (v: number) => `${formatBytes(v)}/s`,
  },
  errors: {
    label: 'Errors/s',
    pick: (p: ChartPoint) => p.errorsPerSec,
    format: (v: number) => `${formatNumber(v)}/s`,
  },
  'ack-p99': { label: 'Ack latency p99', pick: (p: ChartPoint) => p.ackP99Ms, format: formatMs },
  'time-to-table': {
    label: 'Time to table (ack → visible, p99)',
    pick: (p: ChartPoint) => p.timeToTableMs,
    format: formatMs,
  },
  'wal-backlog': {
    label: 'WAL backlog (acked, unpublished)',
    pick: (p: ChartPoint) => p.walBacklogBytes,
    format: formatBytes,
  },
  'publish-lag': {
    label: 'Publish lag (oldest unpublished)',
    pick: (p: ChartPoint) => p.publishLagMs,
    format: formatMs,
  },
} as const satisfies Record<
  string,
  { label: string; pick: (p: ChartPoint) => number | null; format: (v: number) => string }
>;

/** One of `CHART_METRICS`. */
export type ChartMetricId = keyof typeof CHART_METRICS;
/** The metrics, in the order the picker lists them. */
export const CHART_METRIC_IDS = Object.keys(CHART_METRICS) as ChartMetricId[];
