'use client';

import { SeriesChartPanel } from '../../../../src/ui/charts/series-chart-panel';
import { useChartState } from '../../../../src/ui/charts/use-chart-state';

/**
 * The table's series over a window up to 24 hours (`streams.chart` with the table): its time to table
 * (ack → visible), WAL backlog, throughput and the rest, and each of its streams; window and chart in the URL.
 */
export function TableSeriesChart({ name }: { name: string }) {
  const [state, setState] = useChartState({ window: '15m', metric: 'time-to-table' });
  return (
    <SeriesChartPanel
      title="Over time"
      table={name}
      state={state}
      onChange={setState}
      testId="table-series-chart"
      windowPicker
    />
  );
}
