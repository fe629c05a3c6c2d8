'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState, ErrorMessage } from '../feedback';
import { inputBaseClass } from '../field';
import { formatAgo, formatBytes, formatInteger, formatMs, formatTime } from '../format';
import { Panel } from '../layout';
import { Badge, DataTable, Td, Th } from '../table';
import { TableNameLink } from '../table-name-link';
import { useTRPC } from '../trpc';
import { usePrincipalNames } from '../use-principal-names';

type Outcome = 'all' | 'failed' | 'ok';

const OUTCOMES: readonly { value: Outcome; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'failed', label: 'Failed' },
  { value: 'ok', label: 'Ended cleanly' },
];

/**
 * Streams that ended, newest first (`streams.history`, refreshed every 5 s): where and who, how long, how
 * much, the last acked offset and the status it ended with and why. Filtered by outcome, and by table (fixed
 * with `table`, or typed in on the Streams page).
 */
export function EndedStreamsPanel({ table }: { table?: string }) {
  const trpc = useTRPC();
  const nameOf = usePrincipalNames();
  const [outcome, setOutcome] = useState<Outcome>('all');
  const [typedTable, setTypedTable] = useState('');
  const selectedTable = table ?? (typedTable.trim() || undefined);
  const history = useQuery({
    ...trpc.streams.history.queryOptions({
      limit: 100,
      ...(outcome === 'all' ? {} : { outcome }),
      ...(selectedTable === undefined ? {} : { table: selectedTable }),
    }),
    refetchInterval: 5_000,
    placeholderData: keepPreviousData,
  });
  const rows = history.data ?? [];
  return (
    <Panel
      title={`Ended streams (${rows.length}${rows.length === 100 ? '+' : ''})`}
      bodyClassName=""
      actions={
        <>
          {table === undefined ? (
            <input
              aria-label="Filter ended streams by table"
              placeholder="catalog.schema.table"
              className={`${inputBaseClass} h-7 w-56 text-xs`}
              value={typedTable}
              onChange={(e) => setTypedTable(e.target.value)}
            />
          ) : null}
          <select
            aria-label="Filter ended streams by outcome"
            className={`${inputBaseClass} h-7 text-xs`}
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as Outcome)}
          >
            {OUTCOMES.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </>
      }
    >
      <ErrorMessage error={history.error} className="m-3" />
      {history.data !== undefined && rows.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No ended streams">
            Streams appear here when they end, with the status they ended with; they are kept for the days of
            LAKESTREAM_STREAM_HISTORY_DAYS.
          </EmptyState>
        </div>
      ) : rows.length === 0 ? null : (
        <DataTable data-testid="ended-streams">
          <thead>
            <tr>
              <Th>Ended</Th>
              {table === undefined ? <Th>Table</Th> : null}
              <Th>Status</Th>
              <Th>Message</Th>
              <Th>Principal</Th>
              <Th>Credential</Th>
              <Th>Node</Th>
              <Th className="text-right">Duration</Th>
              <Th className="text-right">Records</Th>
              <Th className="text-right">Bytes</Th>
              <Th className="text-right">Acked offset</Th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-status={s.status}>
                <Td
                  className="whitespace-nowrap text-zinc-500 dark:text-zinc-400"
                  title={formatTime(s.endedAt)}
                >
                  {formatAgo(s.endedAt)}
                </Td>
                {table === undefined ? (
                  <Td>{s.table === '' ? '—' : <TableNameLink name={s.table} />}</Td>
                ) : null}
                <Td>
                  <Badge tone={s.failed ? 'bad' : 'good'}>{s.status}</Badge>
                </Td>
                <Td className="max-w-md text-xs break-words">{s.message === '' ? '—' : s.message}</Td>
                <Td>{s.principalId === '' ? '—' : nameOf(s.principalId)}</Td>
                <Td className="font-mono text-xs">{s.credentialId === '' ? '—' : s.credentialId}</Td>
                <Td className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{s.node}</Td>
                <Td className="text-right tabular-nums">{formatMs(s.endedAt - s.startedAt)}</Td>
                <Td className="text-right tabular-nums">{formatInteger(s.records)}</Td>
                <Td className="text-right tabular-nums">{formatBytes(s.bytes)}</Td>
                <Td className="text-right font-mono text-xs tabular-nums">{s.ackedOffset}</Td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </Panel>
  );
}
