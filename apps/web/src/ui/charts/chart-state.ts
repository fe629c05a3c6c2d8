import { CHART_WINDOW_NAMES, type ChartWindow } from '../../server/streams/chart-view';
import { CHART_METRIC_IDS, type ChartMetricId } from './chart-metrics';

/** What a series chart shows, kept in the page's URL so that a reload or a shared link shows the same. */
export interface ChartState {
  /** `?window=`: one of `CHART_WINDOW_NAMES`. */
  readonly window: ChartWindow;
  /** `?metric=`: one of `CHART_METRIC_IDS`. */
  readonly metric: ChartMetricId;
  /** `?from=&to=` (ms since the epoch): a range selected on the chart (zoomed in), or null for the window. */
  readonly range: { readonly from: number; readonly to: number } | null;
  /** `?hide=` (repeated): series ids switched off in the legend. */
  readonly hidden: ReadonlySet<string>;
}

/** The windows as the window picker offers them. */
export const CHART_WINDOW_OPTIONS: readonly { value: ChartWindow; label: string }[] = CHART_WINDOW_NAMES.map(
  (value) => ({ value, label: value.replace(/(\d+)/, '$1 ') }),
);

/** The smallest range a selection may be (ms): anything narrower is a click, not a drag. */
export const MIN_RANGE_MS = 1000;

const isWindow = (v: string | null): v is ChartWindow => CHART_WINDOW_NAMES.includes(v as ChartWindow);
const isMetric = (v: string | null): v is ChartMetricId => CHART_METRIC_IDS.includes(v as ChartMetricId);

function timeParam(v: string | null): number | null {
  if (v === null || !/^\d{1,15}$/.test(v)) return null;
  return Number(v);
}

/**
 * The chart state of `params`; anything missing or not understood (an unknown window, a range that is not two
 * whole ms times at least `MIN_RANGE_MS` apart) falls back to `defaults` and no range.
 */
export function readChartState(
  params: Pick<URLSearchParams, 'get' | 'getAll'>,
  defaults: { window: ChartWindow; metric: ChartMetricId },
): ChartState {
  const window = params.get('window');
  const metric = params.get('metric');
  const from = timeParam(params.get('from'));
  const to = timeParam(params.get('to'));
  return {
    window: isWindow(window) ? window : defaults.window,
    metric: isMetric(metric) ? metric : defaults.metric,
    range: from !== null && to !== null && to - from >= MIN_RANGE_MS ? { from, to } : null,
    hidden: new Set(params.getAll('hide').filter((id) => id.length > 0 && id.length <= 900)),
  };
}

/**
 * The query string (with `?`, or '' when empty) of `params` with the chart state changed by `change`; other
 * parameters are kept. A new window drops the selected range (it belonged to the old one).
 */
export function chartStateQuery(
  params: URLSearchParams,
  state: ChartState,
  change: Partial<ChartState>,
): string {
  const next = { ...state, ...change };
  if (change.window !== undefined && change.window !== state.window && change.range === undefined) {
    next.range = null;
  }
  const out = new URLSearchParams(params);
  for (const key of ['window', 'metric', 'from', 'to', 'hide']) out.delete(key);
  out.set('window', next.window);
  out.set('metric', next.metric);
  if (next.range !== null) {
    out.set('from', String(Math.round(next.range.from)));
    out.set('to', String(Math.round(next.range.to)));
  }
  for (const id of [...next.hidden].sort()) out.append('hide', id);
  const text = out.toString();
  return text === '' ? '' : `?${text}`;
}
