'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { liveWindowOf } from '../../server/streams/chart-view';
import { TimeChart } from '../chart';
import { EmptyState, ErrorMessage } from '../feedback';
import { SelectField } from '../field';
import { formatTime } from '../format';
import { Panel } from '../layout';
import { WindowSelect } from '../streams/window-select';
import { DataTable, Td, Th } from '../table';
import { useTRPC } from '../trpc';
import { CHART_METRIC_IDS, CHART_METRICS, type ChartMetricId } from './chart-metrics';
import { CHART_WINDOW_OPTIONS, type ChartState } from './chart-state';
import { type LegendEntry, readoutAt, type SeriesChart, seriesChart } from './series-data';

const METRIC_OPTIONS = CHART_METRIC_IDS.map((id) => ({ value: id, label: CHART_METRICS[id].label }));

/** The legend: one toggle button per series (`aria-pressed`: shown), its colour as a line beside its name. */
function Legend({ entries, onToggle }: { entries: readonly LegendEntry[]; onToggle: (id: string) => void }) {
  return (
    <ul aria-label="Series" data-testid="chart-legend" className="flex flex-wrap gap-1.5">
      {entries.map((e) => (
        <li key={e.id}>
          <button
            type="button"
            aria-pressed={!e.hidden}
            data-series={e.id}
            onClick={() => onToggle(e.id)}
            className={`flex items-center gap-1.5 rounded border px-2 py-0.5 text-xs ${
              e.hidden
                ? 'border-dashed border-zinc-300 text-zinc-500 line-through dark:border-zinc-700 dark:text-zinc-400'
                : 'border-zinc-300 text-zinc-800 dark:border-zinc-700 dark:text-zinc-200'
            }`}
          >
            <span
              aria-hidden="true"
              className="inline-block h-0.5 w-3"
              style={{ background: `var(--chart-${e.color})` }}
            />
            {e.label}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The chart's numbers as a table (its accessible fallback), built only while open: newest first. */
function DataFallback({ chart, metric }: { chart: SeriesChart; metric: ChartMetricId }) {
  const [open, setOpen] = useState(false);
  const { format } = CHART_METRICS[metric];
  const rows = chart.data.times.map((t, i) => ({ t, i })).reverse();
  return (
    <details
      data-testid="chart-data"
      className="text-sm"
      onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary className="cursor-pointer text-xs text-zinc-600 dark:text-zinc-400">
        Chart data as a table ({chart.data.times.length} points)
      </summary>
      {open ? (
        <DataTable className="mt-2 max-h-72" scrollLabel="Chart data">
          <thead>
            <tr>
              <Th>Time</Th>
              {chart.series.map((s) => (
                <Th key={s.id} className="text-right">
                  {s.label}
                </Th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ t, i }) => (
              <tr key={t}>
                <Td className="whitespace-nowrap">{formatTime(t)}</Td>
                {chart.series.map((s, j) => {
                  const v = chart.data.values[j]?.[i] ?? null;
                  return (
                    <Td key={s.id} className="text-right tabular-nums">
                      {v === null ? '—' : format(v)}
                    </Td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </DataTable>
      ) : null}
    </details>
  );
}

/**
 * A chart of per-series values over the window of `state` (`streams.chart`): every table and node, or with
 * `table` that table and its streams. A metric picker, a legend whose buttons switch series off and on, a
 * readout of the values and time under the cursor (mouse or arrow keys), a range selected by dragging (kept
 * with the rest of `state` in the URL by the page), and the numbers as a table. `windowPicker` adds the
 * window's radios (a page whose header has none).
 */
export function SeriesChartPanel({
  title,
  state,
  onChange,
  table,
  testId,
  windowPicker = false,
}: {
  title: string;
  windowPicker?: boolean;
  state: ChartState;
  onChange: (change: Partial<ChartState>) => void;
  table?: string;
  testId: string;
}) {
  const trpc = useTRPC();
  const readoutId = useId();
  const [cursor, setCursor] = useState<number | null>(null);
  const live = liveWindowOf(state.window) !== null;
  const query = useQuery({
    ...trpc.streams.chart.queryOptions({ window: state.window, ...(table === undefined ? {} : { table }) }),
    // The live ring moves every second; the stored history a minute at a time.
    refetchInterval: state.range !== null ? false : live ? 1_000 : 30_000,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const view = query.data;
  const chart = useMemo(
    () => (view === undefined ? undefined : seriesChart(view, state.metric, state.hidden)),
    [view, state.metric, state.hidden],
  );
  const readout = chart === undefined ? null : readoutAt(chart, state.metric, cursor);
  const { format, label: metricLabel } = CHART_METRICS[state.metric];
  const toggle = (id: string) => {
    const hidden = new Set(state.hidden);
    if (hidden.has(id)) hidden.delete(id);
    else hidden.add(id);
    onChange({ hidden });
  };
  const xRange =
    view === undefined
      ? undefined
      : state.range === null
        ? ([view.from, view.to] as const)
        : ([state.range.from, state.range.to] as const);

  return (
    <Panel
      title={title}
      actions={
        <>
          {windowPicker ? (
            <WindowSelect
              value={state.window}
              options={CHART_WINDOW_OPTIONS}
              onChange={(window) => onChange({ window })}
            />
          ) : null}
          <SelectField
            label="Metric"
            className="flex items-center gap-2 [&>label]:mb-0"
            options={METRIC_OPTIONS}
            value={state.metric}
            onChange={(event) => onChange({ metric: event.target.value as ChartMetricId })}
          />
        </>
      }
    >
      <div data-testid={testId} className="space-y-3">
        <ErrorMessage error={query.error} />
        {view === undefined || chart === undefined ? null : view.series.length === 0 ? (
          <EmptyState title="Nothing sampled in this window yet">
            {live
              ? 'Series appear once a node answers the console’s sampling.'
              : 'The console keeps a minute of history per series; it fills as the nodes are sampled.'}
          </EmptyState>
        ) : (
          <>
            <Legend entries={chart.legend} onToggle={toggle} />
            <TimeChart
              label={`${metricLabel}${table === undefined ? ' per table and node' : ` of ${table} and its streams`}`}
              testId={`${testId}-chart`}
              height={220}
              xRange={xRange}
              data={chart.data}
              series={chart.series}
              format={format}
              onCursor={setCursor}
              onSelect={(from, to) => onChange({ range: { from, to } })}
              describedBy={readoutId}
            />
            <p
              id={readoutId}
              data-testid="chart-readout"
              aria-live="polite"
              className="min-h-5 text-xs text-zinc-600 tabular-nums dark:text-zinc-400"
            >
              {readout === null ? (
                'Point at the chart, or focus it and use the arrow keys, to read its values; drag across it to zoom in.'
              ) : (
                <>
                  <time data-testid="chart-readout-time" dateTime={new Date(readout.t).toISOString()}>
                    {formatTime(readout.t)}
                  </time>
                  {readout.values.map((v) => (
                    <span key={v.id} data-testid="chart-readout-value">
                      {' · '}
                      {v.label}: {v.text}
                    </span>
                  ))}
                </>
              )}
            </p>
            <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-zinc-500 dark:text-zinc-400">
              <span>
                {view.source === 'live'
                  ? `Sampled every ${view.resolutionMs / 1000} s.`
                  : 'One point a minute, kept by the console across restarts.'}
                {state.range === null ? null : (
                  <>
                    {' '}
                    Showing {formatTime(state.range.from)} – {formatTime(state.range.to)}.{' '}
                  </>
                )}
              </span>
              {state.range === null ? null : (
                <button type="button" className="underline" onClick={() => onChange({ range: null })}>
                  Show the whole window
                </button>
              )}
            </div>
            <DataFallback chart={chart} metric={state.metric} />
          </>
        )}
      </div>
    </Panel>
  );
}
