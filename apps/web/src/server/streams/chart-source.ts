import type { MetricSeriesKind } from '@lakestream/catalog';
import { readMetricHistory } from '../catalog';
import type { WebServices } from '../services';
import {
  CHART_WINDOWS,
  type ChartView,
  type ChartWindow,
  chartFromBuckets,
  chartFromLive,
  liveWindowOf,
} from './chart-view';
import { HISTORY_RESOLUTION_MS } from './metric-rollup';

/**
 * The chart of `window` (of every table, or of `table`): from the sampler's ring up to 15 minutes, else from
 * the catalog's minute history plus the minute still open.
 */
export async function readChart(
  services: Pick<WebServices, 'db' | 'streamSampler' | 'metricHistory'>,
  window: ChartWindow,
  table?: string,
): Promise<ChartView> {
  const only = table?.trim().toLowerCase() || undefined;
  const live = liveWindowOf(window);
  if (live !== null) return chartFromLive(services.streamSampler.view(live, only), window, only);
  const to = Date.now();
  const kinds: MetricSeriesKind[] = only === undefined ? ['total', 'table', 'node'] : ['table', 'stream'];
  const since = Math.floor((to - CHART_WINDOWS[window]) / HISTORY_RESOLUTION_MS) * HISTORY_RESOLUTION_MS;
  const stored = await readMetricHistory(services.db, {
    since,
    kinds,
    table: only,
    resolutionMs: HISTORY_RESOLUTION_MS,
  });
  const open = services.metricHistory
    .pending()
    .filter((b) => kinds.includes(b.kind) && (only === undefined || b.table === only));
  const nodeNames = new Map<string, string>();
  for (const n of services.streamSampler.view(60).nodes)
    if (n.nodeId !== null) nodeNames.set(n.address, n.nodeId);
  return chartFromBuckets([...stored, ...open], {
    window,
    to,
    resolutionMs: HISTORY_RESOLUTION_MS,
    nodeNames,
    table: only,
  });
}
