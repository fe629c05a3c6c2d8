'use client';

import { useQuery } from '@tanstack/react-query';
import { EmptyState, ErrorMessage, Loading } from '../../../../src/ui/feedback';
import { formatAgo, formatBytes, formatInteger, formatTime } from '../../../../src/ui/format';
import { Panel } from '../../../../src/ui/layout';
import { DataTable, Td, Th } from '../../../../src/ui/table';
import { useTRPC } from '../../../../src/ui/trpc';

/** The table's Delta commits, newest first (`tables.history`), refreshed every 10 s. */
export function TableHistoryPanel({ name }: { name: string }) {
  const trpc = useTRPC();
  const history = useQuery({
    ...trpc.tables.history.queryOptions({ name, limit: 50 }),
    refetchInterval: 10_000,
  });
  const data = history.data;
  return (
    <Panel
      title="Delta history"
      bodyClassName=""
      actions={
        data === undefined ? undefined : (
          <span className="max-w-xs truncate font-mono text-xs text-zinc-500" title={data.location}>
            {data.location}
          </span>
        )
      }
    >
      <ErrorMessage error={history.error} className="m-3" />
      {data === undefined ? (
        history.error === null ? (
          <Loading what="history" />
        ) : null
      ) : !data.exists || data.versions.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No commits yet">
            The first publish of streamed records creates the Delta log.
          </EmptyState>
        </div>
      ) : (
        <DataTable
          data-testid="history-table"
          className="max-h-96 overflow-y-auto"
          scrollLabel="Delta history"
        >
          <thead>
            <tr>
              <Th className="text-right">Version</Th>
              <Th>When</Th>
              <Th>Operation</Th>
              <Th className="text-right">Files</Th>
              <Th className="text-right">Records</Th>
              <Th className="text-right">Bytes</Th>
              <Th>Writer</Th>
            </tr>
          </thead>
          <tbody>
            {data.versions.map((v) => (
              <tr key={v.version}>
                <Td className="text-right font-mono tabular-nums">{v.version}</Td>
                <Td className="whitespace-nowrap" title={formatTime(v.timestamp)}>
                  {formatAgo(v.timestamp)}
                </Td>
                <Td className="text-xs whitespace-nowrap">{v.operation}</Td>
                <Td className="text-right tabular-nums">{formatInteger(v.numFiles)}</Td>
                <Td className="text-right tabular-nums">{formatInteger(v.numRecords)}</Td>
                <Td className="text-right whitespace-nowrap tabular-nums">{formatBytes(v.numBytes)}</Td>
                <Td className="max-w-40 truncate font-mono text-xs text-zinc-500" title={v.writer ?? ''}>
                  {v.writer ?? '—'}
                </Td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </Panel>
  );
}
