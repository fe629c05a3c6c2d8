'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { liveWindowOf } from '../../../src/server/streams/chart-view';
import { TimeChart } from '../../../src/ui/chart';
import { CHART_WINDOW_OPTIONS } from '../../../src/ui/charts/chart-state';
import { SeriesChartPanel } from '../../../src/ui/charts/series-chart-panel';
import { useChartState } from '../../../src/ui/charts/use-chart-state';
import { Banner, EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { formatBytes, formatMs, formatNumber } from '../../../src/ui/format';
import { PageHeader, Panel } from '../../../src/ui/layout';
import { EndedStreamsPanel } from '../../../src/ui/streams/ended-streams-panel';
import { lastPoint, recordsPerSecText, seriesOf } from '../../../src/ui/streams/live-series';
import { UnreachableNodesBanner } from '../../../src/ui/streams/node-banner';
import { StreamsTable } from '../../../src/ui/streams/streams-table';
import { WindowSelect } from '../../../src/ui/streams/window-select';
import { DataTable, Td, Th } from '../../../src/ui/table';
import { TableNameLink } from '../../../src/ui/table-name-link';
import { useTRPC } from '../../../src/ui/trpc';
import { usePrincipalNames } from '../../../src/ui/use-principal-names';

const perSecond = (v: number) => `${formatNumber(v)}/s`;
const bytesPerSecond = (v: number) => `${formatBytes(v)}/s`;

/** A figure of the latest sampling, over its chart. */
function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-3 py-2.5 shadow-xs dark:border-zinc-800 dark:bg-zinc-900">
      <p className="text-xs text-zinc-500 dark:text-zinc-400">{label}</p>
      <p className="mt-0.5 text-lg font-semibold tracking-tight tabular-nums">{children}</p>
    </div>
  );
}

/**
 * The streams page: every ingest node's streams, sampled every second by the console (`streams.live`, polled
 * each second): totals of records/s, MB/s, ack latency p50/p99, in-flight bytes, errors/s and publish lag over
 * the chosen window (the last 15 minutes for longer ones); every table and node as series over the window
 * (`streams.chart`: up to 24 hours, from the console's stored history beyond 15 minutes); per table (with a
 * sparkline) and per stream; and the streams that ended, with their status. The window, the series chart's
 * metric, selected range and hidden series are in the URL.
 */
export function StreamsView() {
  const trpc = useTRPC();
  const nameOf = usePrincipalNames();
  const [chartState, setChartState] = useChartState({ window: '1m', metric: 'records' });
  const windowSeconds = liveWindowOf(chartState.window) ?? 900;
  const live = useQuery({
    ...trpc.streams.live.queryOptions({ windowSeconds }),
    refetchInterval: 1_000,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const view = live.data;
  const totals = view?.totals ?? [];
  const now = lastPoint(totals);
  const xRange =
    view === undefined ? undefined : ([view.sampledAt - windowSeconds * 1000, view.sampledAt] as const);

  return (
    <>
      <PageHeader
        title="Streams"
        description="Live ingestion over every ingest node, listed or registered by heartbeat, sampled every second."
        actions={
          <WindowSelect
            value={chartState.window}
            options={CHART_WINDOW_OPTIONS}
            onChange={(window) => setChartState({ window })}
          />
        }
      />
      <div className="space-y-4">
        <ErrorMessage error={live.error} />
        {view === undefined ? (
          live.error === null ? (
            <Loading what="live metrics" />
          ) : null
        ) : (
          <>
            <UnreachableNodesBanner nodes={view.nodes} />
            {view.nodes.length === 0 ? (
              <Banner tone="info">
                No ingest nodes are registered, so there is nothing to sample. See{' '}
                <Link href="/nodes" className="underline">
                  Nodes
                </Link>
                .
              </Banner>
            ) : null}
            <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
              <Stat label="Records/s">
                <span data-testid="current-records-per-sec">{recordsPerSecText(now)}</span>
              </Stat>
              <Stat label="Throughput">{bytesPerSecond(now?.bytesPerSec ?? 0)}</Stat>
              <Stat label="Ack p50 / p99">
                {formatMs(now?.ackP50Ms)} <span className="text-zinc-500 dark:text-zinc-400">/</span>{' '}
                {formatMs(now?.ackP99Ms)}
              </Stat>
              <Stat label="In flight">{formatBytes(now?.inFlightBytes ?? 0)}</Stat>
              <Stat label="Errors/s">{formatNumber(now?.errorsPerSec ?? 0)}</Stat>
              <Stat label="Publish lag">{formatMs(now?.publishLagMs)}</Stat>
            </div>
            {liveWindowOf(chartState.window) === null ? (
              <p className="text-xs text-zinc-500 dark:text-zinc-400">
                The figures and charts up to the series chart show the last 15 minutes, sampled every second;
                the series chart shows the whole window.
              </p>
            ) : null}
            <div className="grid gap-4 xl:grid-cols-2">
              <Panel title="Records per second">
                <TimeChart
                  label="Records per second, all tables"
                  testId="throughput-chart"
                  height={200}
                  xRange={xRange}
                  data={seriesOf(totals, (p) => p.recordsPerSec)}
                  series={[{ label: 'records/s', color: 1 }]}
                  format={formatNumber}
                />
              </Panel>
              <Panel title="Bytes per second">
                <TimeChart
                  label="Bytes per second, all tables"
                  height={200}
                  xRange={xRange}
                  data={seriesOf(totals, (p) => p.bytesPerSec)}
                  series={[{ label: 'bytes/s', color: 2 }]}
                  format={formatBytes}
                />
              </Panel>
            </div>
            <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
              <Panel
                title="Ack latency"
                actions={
                  <span className="flex gap-3 text-xs text-zinc-500">
                    {/* The series' colours as lines beside readable text (coloured text lacks contrast). */}
                    <span className="flex items-center gap-1">
                      <span aria-hidden="true" className="inline-block h-0.5 w-3 bg-[var(--chart-1)]" />
                      p50
                    </span>
                    <span className="flex items-center gap-1">
                      <span aria-hidden="true" className="inline-block h-0.5 w-3 bg-[var(--chart-2)]" />
                      p99
                    </span>
                  </span>
                }
              >
                <TimeChart
                  label="Ack latency p50 and p99"
                  height={140}
                  xRange={xRange}
                  data={seriesOf(
                    totals,
                    (p) => p.ackP50Ms,
                    (p) => p.ackP99Ms,
                  )}
                  series={[
                    { label: 'p50', color: 1 },
                    { label: 'p99', color: 2 },
                  ]}
                  format={formatMs}
                />
              </Panel>
              <Panel title="In flight">
                <TimeChart
                  label="Bytes in flight (read, not yet acked)"
                  height={140}
                  xRange={xRange}
                  data={seriesOf(totals, (p) => p.inFlightBytes)}
                  series={[{ label: 'in flight', color: 4 }]}
                  format={formatBytes}
                />
              </Panel>
              <Panel title="Errors per second">
                <TimeChart
                  label="Errors per second"
                  height={140}
                  xRange={xRange}
                  data={seriesOf(totals, (p) => p.errorsPerSec)}
                  series={[{ label: 'errors/s', color: 3 }]}
                  format={perSecond}
                />
              </Panel>
              <Panel title="Publish lag">
                <TimeChart
                  label="Publish lag: age of the oldest acked record not yet in Delta"
                  height={140}
                  xRange={xRange}
                  data={seriesOf(totals, (p) => p.publishLagMs)}
                  series={[{ label: 'lag', color: 4 }]}
                  format={formatMs}
                />
              </Panel>
            </div>

            <SeriesChartPanel
              title="By table and node"
              state={chartState}
              onChange={setChartState}
              testId="series-chart"
            />

            <Panel title="Tables" bodyClassName="">
              {view.tables.length === 0 ? (
                <div className="p-4">
                  <EmptyState title="No table is receiving records">
                    Producers appear here when they open a stream; see a table&apos;s page for SDK snippets.
                  </EmptyState>
                </div>
              ) : (
                <DataTable data-testid="live-tables">
                  <thead>
                    <tr>
                      <Th>Table</Th>
                      <Th className="text-right">Streams</Th>
                      <Th className="text-right">Records/s</Th>
                      <Th className="text-right">Throughput</Th>
                      <Th className="text-right">Ack p99</Th>
                      <Th className="text-right">Publish lag</Th>
                      <Th className="w-48">Records/s, {windowSeconds / 60} min</Th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.tables.map((t) => (
                      <tr key={t.table}>
                        <Td>
                          <TableNameLink name={t.table} />
                        </Td>
                        <Td className="text-right tabular-nums">{t.streams}</Td>
                        <Td className="text-right tabular-nums">{formatNumber(t.current?.recordsPerSec)}</Td>
                        <Td className="text-right tabular-nums">
                          {t.current === null ? '—' : bytesPerSecond(t.current.bytesPerSec)}
                        </Td>
                        <Td className="text-right tabular-nums">{formatMs(t.current?.ackP99Ms)}</Td>
                        <Td className="text-right tabular-nums">{formatMs(t.current?.publishLagMs)}</Td>
                        <Td className="w-48 py-1">
                          <TimeChart
                            sparkline
                            label={`Records per second of ${t.table}`}
                            height={28}
                            xRange={xRange}
                            data={seriesOf(t.points, (p) => p.recordsPerSec)}
                            series={[{ label: 'records/s', color: 1 }]}
                            format={formatNumber}
                          />
                        </Td>
                      </tr>
                    ))}
                  </tbody>
                </DataTable>
              )}
            </Panel>

            <Panel title={`Live streams (${view.streams.length})`} bodyClassName="">
              {view.streams.length === 0 ? (
                <div className="p-4">
                  <EmptyState title="No live streams">
                    Open a stream with a Zerobus SDK (snippets are on each table&apos;s page).
                  </EmptyState>
                </div>
              ) : (
                <StreamsTable streams={view.streams} nameOf={nameOf} />
              )}
            </Panel>

            <EndedStreamsPanel />
          </>
        )}
      </div>
    </>
  );
}
