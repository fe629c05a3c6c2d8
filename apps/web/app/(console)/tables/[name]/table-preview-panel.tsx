'use client';

import { useQuery } from '@tanstack/react-query';
import { EmptyState, ErrorMessage, Loading } from '../../../../src/ui/feedback';
import { Panel } from '../../../../src/ui/layout';
import { DataTable, Td, Th } from '../../../../src/ui/table';
import { useTRPC } from '../../../../src/ui/trpc';

/**
 * The newest rows of the table's latest Delta version (`tables.preview`, which lists them newest last), shown
 * newest first and refreshed every 5 s.
 */
export function TablePreviewPanel({ name }: { name: string }) {
  const trpc = useTRPC();
  const preview = useQuery({
    ...trpc.tables.preview.queryOptions({ name, limit: 20 }),
    refetchInterval: 5_000,
  });
  const data = preview.data;
  return (
    <Panel
      title="Latest rows"
      bodyClassName=""
      actions={
        data?.exists && data.version !== null ? (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            version {data.version} · newest {data.rows.length} rows, newest first
          </span>
        ) : undefined
      }
    >
      <ErrorMessage error={preview.error} className="m-3" />
      {data === undefined ? (
        preview.error === null ? (
          <Loading what="rows" />
        ) : null
      ) : !data.exists || data.rows.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No rows yet">
            Nothing has been published to this table yet: stream records with one of the snippets above, and
            they appear here within seconds of their ack.
          </EmptyState>
        </div>
      ) : (
        <DataTable data-testid="preview-table">
          <thead>
            <tr>
              {data.columns.map((c) => (
                <Th key={c} className="font-mono">
                  {c}
                </Th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[...data.rows].reverse().map((row, i) => (
              // Rows have no identity of their own; their position in this answer is it.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <tr key={i}>
                {row.map((cell, j) => (
                  <Td
                    // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional, one per column
                    key={j}
                    className="max-w-xs truncate font-mono text-xs"
                    title={cell === null ? 'null' : String(cell)}
                  >
                    {cell === null ? (
                      <span className="text-zinc-500 italic dark:text-zinc-400">null</span>
                    ) : (
                      String(cell)
                    )}
                  </Td>
                ))}
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </Panel>
  );
}
