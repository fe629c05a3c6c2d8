import type { ChartView } from '../../server/streams/chart-view';
import type { ChartData, ChartSeries } from '../chart';
import { CHART_METRICS, type ChartMetricId } from './chart-metrics';

/** The number of line colours (`--chart-1` … `--chart-8` in globals.css). */
export const CHART_COLOURS = 8;

/** A series in the legend: shown or hidden, always with the same colour. */
export interface LegendEntry extends ChartSeries {
  readonly id: string;
  readonly hidden: boolean;
}

/** A chart's lines: the shown series on one time axis (values null where a series has no point). */
export interface SeriesChart {
  readonly legend: LegendEntry[];
  /** The shown series, in legend order. */
  readonly series: LegendEntry[];
  readonly data: ChartData;
}

/**
 * The chart of `metric` over `view`'s series, less the `hidden` ones. Colours follow a series' place in the
 * view (not among the shown ones), so switching one off does not recolour the others. The time axis is
 * every time any shown series has a point, so series sampled at different times still line up.
 */
export function seriesChart(
  view: ChartView,
  metric: ChartMetricId,
  hidden: ReadonlySet<string>,
): SeriesChart {
  const { pick } = CHART_METRICS[metric];
  const legend: LegendEntry[] = view.series.map((s, i) => ({
    id: s.id,
    label: s.label,
    color: ((i % CHART_COLOURS) + 1) as ChartSeries['color'],
    hidden: hidden.has(s.id),
  }));
  const shown = view.series.filter((s) => !hidden.has(s.id));
  const times = [...new Set(shown.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
  const values = shown.map((s) => {
    const byTime = new Map(s.points.map((p) => [p.t, pick(p)]));
    return times.map((t) => byTime.get(t) ?? null);
  });
  return { legend, series: legend.filter((e) => !e.hidden), data: { times, values } };
}

/** What the chart says at one time: the time and each shown series' value there (hover and keyboard). */
export interface Readout {
  readonly t: number;
  readonly values: { readonly id: string; readonly label: string; readonly text: string }[];
}

/** The readout at point `index` of `chart` (null when there is no such point). */
export function readoutAt(chart: SeriesChart, metric: ChartMetricId, index: number | null): Readout | null {
  if (index === null) return null;
  const t = chart.data.times[index];
  if (t === undefined) return null;
  const { format } = CHART_METRICS[metric];
  return {
    t,
    values: chart.series.map((s, i) => {
      const v = chart.data.values[i]?.[index] ?? null;
      return { id: s.id, label: s.label, text: v === null ? 'no value' : format(v) };
    }),
  };
}
