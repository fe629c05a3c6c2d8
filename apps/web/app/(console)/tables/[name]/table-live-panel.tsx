'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { TimeChart } from '../../../../src/ui/chart';
import { ErrorMessage } from '../../../../src/ui/feedback';
import { formatBytes, formatMs, formatNumber } from '../../../../src/ui/format';
import { Panel } from '../../../../src/ui/layout';
import { seriesOf } from '../../../../src/ui/streams/live-series';
import { UnreachableNodesBanner } from '../../../../src/ui/streams/node-banner';
import { StreamsTable } from '../../../../src/ui/streams/streams-table';
import { useTRPC } from '../../../../src/ui/trpc';
import { usePrincipalNames } from '../../../../src/ui/use-principal-names';

const WINDOW_SECONDS = 60;

/** The streams writing to this table now, with its records/s over the last minute (`streams.live`). */
export function TableLivePanel({ name }: { name: string }) {
  const trpc = useTRPC();
  const nameOf = usePrincipalNames();
  const live = useQuery({
    ...trpc.streams.live.queryOptions({ windowSeconds: WINDOW_SECONDS, table: name }),
    refetchInterval: 2_000,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const view = live.data;
  const table = view?.tables[0];
  const current = table?.current ?? null;
  return (
    <Panel
      title={`Live streams (${view?.streams.length ?? 0})`}
      bodyClassName=""
      actions={
        current === null ? undefined : (
          <span className="text-xs text-zinc-500 tabular-nums dark:text-zinc-400">
            {formatNumber(current.recordsPerSec)} records/s · {formatBytes(current.bytesPerSec)}/s · ack p99{' '}
            {formatMs(current.ackP99Ms)} · publish lag {formatMs(current.publishLagMs)}
          </span>
        )
      }
    >
      <ErrorMessage error={live.error} className="m-3" />
      {view === undefined ? null : (
        <>
          {view.nodes.some((n) => !n.reachable) ? (
            <div className="p-3">
              <UnreachableNodesBanner nodes={view.nodes} />
            </div>
          ) : null}
          {table === undefined ? null : (
            <div className="px-4 pt-3 pb-2">
              <TimeChart
                label={`Records per second of ${name}, last minute`}
                height={120}
                xRange={[view.sampledAt - WINDOW_SECONDS * 1000, view.sampledAt]}
                data={seriesOf(table.points, (p) => p.recordsPerSec)}
                series={[{ label: 'records/s', color: 1 }]}
                format={formatNumber}
              />
            </div>
          )}
          {view.streams.length === 0 ? (
            <p className="border-t border-zinc-200 px-4 py-3 text-sm text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
              No stream is writing to this table now.
            </p>
          ) : (
            <StreamsTable streams={view.streams} nameOf={nameOf} showTable={false} />
          )}
        </>
      )}
    </Panel>
  );
}
