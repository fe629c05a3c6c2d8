import type { MetricBucket, MetricSeriesKind } from '@lakestream/catalog';
import type { LiveView, LiveWindowSeconds } from './live-view';
import type { LivePoint } from './stream-rates';

/** The chart windows, shortest first. */
export const CHART_WINDOW_NAMES = ['1m', '5m', '15m', '1h', '6h', '24h'] as const;
/** One of `CHART_WINDOW_NAMES`. */
export type ChartWindow = (typeof CHART_WINDOW_NAMES)[number];

/**
 * The chart windows' length (ms). Up to 15 minutes they are the sampler's 1 s ring (`streams.live`'s points);
 * beyond, the catalog's minute history, which survives a console restart.
 */
export const CHART_WINDOWS: Readonly<Record<ChartWindow, number>> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '6h': 21_600_000,
  '24h': 86_400_000,
};

/** The live window (seconds) a chart window is served from, or null when it reads the stored history. */
export function liveWindowOf(window: ChartWindow): LiveWindowSeconds | null {
  const ms = CHART_WINDOWS[window];
  return ms <= 900_000 ? ((ms / 1000) as LiveWindowSeconds) : null;
}

/** Stream series a chart shows at most: the ones that carried the most records. */
export const MAX_STREAM_SERIES = 20;

/** One point of a chart series: what both the live ring and the stored history know. */
export interface ChartPoint {
  /** ms since the epoch: the sampling, or the start of a stored bucket. */
  readonly t: number;
  readonly recordsPerSec: number;
  readonly bytesPerSec: number;
  readonly errorsPerSec: number;
  readonly ackP99Ms: number | null;
  readonly publishLagMs: number | null;
  readonly timeToTableMs: number | null;
  readonly walBacklogBytes: number | null;
}

/** One series of a chart. */
export interface ChartSeriesView {
  /** Stable across reloads (the URL's hidden series): `total`, `table:<name>`, `node:<address>`, `stream:<address>/<id>`. */
  readonly id: string;
  readonly kind: MetricSeriesKind;
  /** Its table (table and stream series), else ''. */
  readonly table: string;
  /** What the legend says. */
  readonly label: string;
  /** Oldest first. */
  readonly points: ChartPoint[];
}

/** What `streams.chart` answers. */
export interface ChartView {
  readonly window: ChartWindow;
  /** The time axis: `to - window` … `to` (ms). */
  readonly from: number;
  readonly to: number;
  /** Time between points: the sampling interval, or the stored buckets' minute. */
  readonly resolutionMs: number;
  /** `stored`: the catalog's minute history; `live`: the sampler's ring. */
  readonly source: 'live' | 'stored';
  /** Total first, then tables, nodes and streams, each by name. */
  readonly series: ChartSeriesView[];
}

/** The id of a series in the URL and the legend. */
export function seriesId(kind: MetricSeriesKind, key: string): string {
  return kind === 'total' ? 'total' : `${kind}:${key}`;
}

function toChartPoint(p: LivePoint): ChartPoint {
  return {
    t: p.t,
    recordsPerSec: p.recordsPerSec,
    bytesPerSec: p.bytesPerSec,
    errorsPerSec: p.errorsPerSec,
    ackP99Ms: p.ackP99Ms,
    publishLagMs: p.publishLagMs,
    timeToTableMs: p.timeToTableMs,
    walBacklogBytes: p.walBacklogBytes,
  };
}

const recordsOf = (points: readonly ChartPoint[]) => points.reduce((n, p) => n + p.recordsPerSec, 0);

/** The stream series worth a legend entry: those that carried the most, at most `MAX_STREAM_SERIES`. */
function busiest(streams: ChartSeriesView[]): ChartSeriesView[] {
  if (streams.length <= MAX_STREAM_SERIES) return streams;
  const kept = new Set(
    [...streams].sort((a, b) => recordsOf(b.points) - recordsOf(a.points)).slice(0, MAX_STREAM_SERIES),
  );
  return streams.filter((s) => kept.has(s));
}

function ordered(series: ChartSeriesView[]): ChartSeriesView[] {
  const byKind = (kind: MetricSeriesKind) =>
    series.filter((s) => s.kind === kind).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return [...byKind('total'), ...byKind('table'), ...byKind('node'), ...busiest(byKind('stream'))];
}

/**
 * A chart of a live view (a window of 15 minutes or less): the totals (every table, or the one asked for),
 * each table, each node that answered (named by id when known) and each live stream.
 */
export function chartFromLive(view: LiveView, window: ChartWindow, table?: string): ChartView {
  const series: ChartSeriesView[] = [
    {
      id: 'total',
      kind: 'total',
      table: '',
      label: table ? 'This table' : 'All tables',
      points: view.totals.map(toChartPoint),
    },
    ...view.tables.map((t) => ({
      id: seriesId('table', t.table),
      kind: 'table' as const,
      table: t.table,
      label: t.table,
      points: t.points.map(toChartPoint),
    })),
    ...view.streams.map((s) => ({
      id: seriesId('stream', `${s.node}/${s.streamId}`),
      kind: 'stream' as const,
      table: s.table,
      label: `${s.streamId} (${s.nodeId ?? s.node})`,
      points: s.points.map(toChartPoint),
    })),
  ];
  if (!table) {
    for (const n of view.nodes) {
      if (n.points.length === 0) continue;
      series.push({
        id: seriesId('node', n.address),
        kind: 'node',
        table: '',
        label: `node ${n.nodeId ?? n.address}`,
        points: n.points.map(toChartPoint),
      });
    }
  }
  return {
    window,
    from: view.sampledAt - CHART_WINDOWS[window],
    to: view.sampledAt,
    resolutionMs: view.intervalMs,
    source: 'live',
    series: ordered(series),
  };
}

/** A stored bucket as a chart point: its counts over the time its samplings covered. */
export function bucketPoint(b: MetricBucket): ChartPoint {
  const seconds = b.spanMs / 1000;
  const rate = (n: number) => (seconds > 0 ? n / seconds : 0);
  return {
    t: b.at,
    recordsPerSec: rate(b.records),
    bytesPerSec: rate(b.bytes),
    errorsPerSec: rate(b.errors),
    ackP99Ms: b.ackP99Ms,
    publishLagMs: b.publishLagMs,
    timeToTableMs: b.timeToTableMs,
    walBacklogBytes: b.walBacklogBytes,
  };
}

/** What `chartFromBuckets` needs besides the buckets. */
export interface StoredChartOptions {
  readonly window: ChartWindow;
  /** The end of the time axis (now). */
  readonly to: number;
  readonly resolutionMs: number;
  /** The node names to show instead of admin addresses (ids of the nodes known now). */
  readonly nodeNames?: ReadonlyMap<string, string> | undefined;
  /** Only this table's series (the table as its total, and its streams). */
  readonly table?: string | undefined;
}

/**
 * A chart of stored minute buckets (oldest first, possibly with the open minute appended): one series per
 * kind and key, a bucket written twice counted once (the later wins). With `table`, the table's own series
 * is its total.
 */
export function chartFromBuckets(buckets: readonly MetricBucket[], options: StoredChartOptions): ChartView {
  const byId = new Map<
    string,
    { kind: MetricSeriesKind; key: string; table: string; points: Map<number, ChartPoint> }
  >();
  for (const b of buckets) {
    const id = seriesId(b.kind, b.seriesKey);
    let s = byId.get(id);
    if (s === undefined) {
      s = { kind: b.kind, key: b.seriesKey, table: b.table, points: new Map() };
      byId.set(id, s);
    }
    s.points.set(b.at, bucketPoint(b));
  }
  const series: ChartSeriesView[] = [];
  for (const [id, s] of byId) {
    const points = [...s.points.values()].sort((a, b) => a.t - b.t);
    if (options.table && s.kind === 'table') {
      series.push({ id: 'total', kind: 'total', table: '', label: 'This table', points });
      continue;
    }
    const label =
      s.kind === 'total'
        ? 'All tables'
        : s.kind === 'node'
          ? `node ${options.nodeNames?.get(s.key) ?? s.key}`
          : s.kind === 'stream'
            ? s.key.slice(s.key.lastIndexOf('/') + 1)
            : s.key;
    series.push({ id, kind: s.kind, table: s.table, label, points });
  }
  return {
    window: options.window,
    from: options.to - CHART_WINDOWS[options.window],
    to: options.to,
    resolutionMs: options.resolutionMs,
    source: 'stored',
    series: ordered(series),
  };
}
