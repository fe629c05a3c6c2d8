'use client';

import { type ColumnDefinition, diffColumns } from '@lakestream/catalog/contract';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorMessage, Loading } from '../../../../src/ui/feedback';
import { SelectField } from '../../../../src/ui/field';
import { formatAgo, formatTime } from '../../../../src/ui/format';
import { Panel } from '../../../../src/ui/layout';
import { DataTable, Td, Th } from '../../../../src/ui/table';
import { typeLabel } from '../../../../src/ui/tables/type-label';
import { useTRPC } from '../../../../src/ui/trpc';
import { usePrincipalNames } from '../../../../src/ui/use-principal-names';

const CHANGE_LABELS: Record<string, string> = { create: 'created', add_columns: 'columns added' };

function columnLabel(c: ColumnDefinition): string {
  return `${c.name} ${typeLabel(c.type)}${c.nullable ? '' : ' not null'}`;
}

/** The difference between two versions' columns, one line per column. */
function VersionDiff({ from, to }: { from: ColumnDefinition[]; to: ColumnDefinition[] }) {
  const diff = diffColumns(from, to);
  const lines = [
    ...diff.added.map((c) => ({
      sign: '+',
      text: columnLabel(c),
      tone: 'text-emerald-700 dark:text-emerald-400',
    })),
    ...diff.removed.map((c) => ({ sign: '−', text: columnLabel(c), tone: 'text-red-700 dark:text-red-400' })),
    ...diff.changed.map((c) => ({
      sign: '~',
      text: `${columnLabel(c.from)} → ${columnLabel(c.to)}`,
      tone: 'text-amber-700 dark:text-amber-400',
    })),
  ];
  if (lines.length === 0)
    return <p className="text-xs text-zinc-500">The two versions have the same columns.</p>;
  return (
    <ul aria-label="Schema diff" className="space-y-0.5 font-mono text-[13px]">
      {lines.map((l) => (
        <li key={`${l.sign}${l.text}`} className={l.tone}>
          {l.sign} {l.text}
        </li>
      ))}
    </ul>
  );
}

/**
 * The versions of the table's schema (`tables.schemaVersions`): number, change, columns, who and when, and
 * the diff between any two (by default the latest and the one before it).
 */
export function SchemaVersionsPanel({ name }: { name: string }) {
  const trpc = useTRPC();
  const nameOf = usePrincipalNames();
  const versions = useQuery(trpc.tables.schemaVersions.queryOptions({ name }));
  const [picked, setPicked] = useState<{ from?: number; to?: number }>({});
  const list = versions.data;
  const latest = list?.at(-1)?.version ?? 1;
  const to = picked.to ?? latest;
  const from = picked.from ?? Math.max(1, latest - 1);
  const options = (list ?? []).map((v) => ({ value: String(v.version), label: `version ${v.version}` }));
  const columnsOf = (version: number) => list?.find((v) => v.version === version)?.columns ?? [];
  return (
    <Panel title="Schema versions" bodyClassName="">
      <ErrorMessage error={versions.error} className="m-3" />
      {list === undefined ? (
        versions.error === null ? (
          <Loading what="schema versions" />
        ) : null
      ) : (
        <>
          <DataTable data-testid="schema-versions" scrollLabel="Schema versions">
            <thead>
              <tr>
                <Th className="text-right">Version</Th>
                <Th>Change</Th>
                <Th className="text-right">Columns</Th>
                <Th>By</Th>
                <Th>When</Th>
              </tr>
            </thead>
            <tbody>
              {[...list].reverse().map((v) => (
                <tr key={v.version}>
                  <Td className="text-right font-mono tabular-nums">{v.version}</Td>
                  <Td className="text-xs whitespace-nowrap">{CHANGE_LABELS[v.change] ?? v.change}</Td>
                  <Td className="text-right tabular-nums">{v.columns.length}</Td>
                  <Td className="max-w-48 truncate">{nameOf(v.createdBy)}</Td>
                  <Td className="whitespace-nowrap" title={formatTime(v.createdAt)}>
                    {formatAgo(v.createdAt)}
                  </Td>
                </tr>
              ))}
            </tbody>
          </DataTable>
          <div className="space-y-3 border-t border-zinc-200 p-4 dark:border-zinc-800">
            <div className="flex flex-wrap items-end gap-3">
              <SelectField
                label="Compare"
                className="w-36"
                options={options}
                value={String(from)}
                onChange={(e) => setPicked({ from: Number(e.target.value), to })}
              />
              <SelectField
                label="with"
                className="w-36"
                options={options}
                value={String(to)}
                onChange={(e) => setPicked({ from, to: Number(e.target.value) })}
              />
            </div>
            <VersionDiff from={columnsOf(from)} to={columnsOf(to)} />
          </div>
        </>
      )}
    </Panel>
  );
}
