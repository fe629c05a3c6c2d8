'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { Outputs } from '../../../../../src/ui/api-types';
import { Button, ButtonLink } from '../../../../../src/ui/button';
import { Dialog } from '../../../../../src/ui/dialog';
import { EmptyState, ErrorMessage, Loading } from '../../../../../src/ui/feedback';
import { TextField } from '../../../../../src/ui/field';
import { formatBytes, formatInteger } from '../../../../../src/ui/format';
import { PageHeader, Panel } from '../../../../../src/ui/layout';
import type { RecordFilterDraft } from '../../../../../src/ui/records/filters';
import { DataTable, Td, Th } from '../../../../../src/ui/table';
import { useTRPC } from '../../../../../src/ui/trpc';
import { RecordExportButtons } from './record-export-buttons';
import { RecordFilters } from './record-filters';

type RecordPage = Outputs['records']['browse'];
type Json = RecordPage['rows'][number][number];

const PAGE_SIZE = 50;

/** What is shown: a version or a time (or the latest), and the filters applied. */
interface Shown {
  readonly version?: number;
  readonly asOf?: string;
  readonly filters: readonly RecordFilterDraft[];
}

/** A cell as the table shows it: nested values as JSON text, null in grey. */
function Cell({ value }: { value: Json }) {
  if (value === null) return <span className="text-zinc-500 italic dark:text-zinc-400">null</span>;
  return <>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</>;
}

/** The version read, its size, and what the filters cost in files ("read 1 of 3 files"). */
function StatsLine({ page }: { page: RecordPage }) {
  const { files, totals } = page;
  return (
    <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="records-stats">
      Version {page.version} of {page.latestVersion} · {formatInteger(totals.rows)} rows in{' '}
      {formatInteger(totals.files)} files, {formatBytes(totals.bytes)} · read {files.read} of {files.total}{' '}
      files
      {files.skippedByStats > 0 ? ` (${files.skippedByStats} skipped by statistics)` : ''}
    </p>
  );
}

/**
 * The record browser of one table: pick a version or a time (time travel), filter by column values, page
 * through the matching rows, open one as JSON, export what is shown (CSV, JSON Lines, Parquet, streamed).
 */
export function RecordsView({ name }: { name: string }) {
  const trpc = useTRPC();
  const [versionText, setVersionText] = useState('');
  const [asOfText, setAsOfText] = useState('');
  const [filters, setFilters] = useState<RecordFilterDraft[]>([]);
  const [shown, setShown] = useState<Shown>({ filters: [] });
  const [formError, setFormError] = useState<string | null>(null);
  // The cursors of the pages so far: [undefined] is the first page. Later pages pin the first page's version.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [pinned, setPinned] = useState<number | undefined>(undefined);
  const [opened, setOpened] = useState<number | null>(null);
  const table = useQuery(trpc.tables.get.queryOptions({ name }));
  const cursor = cursors.at(-1);
  const page = useQuery({
    ...trpc.records.browse.queryOptions({
      name,
      ...(pinned !== undefined
        ? { version: pinned }
        : shown.version !== undefined
          ? { version: shown.version }
          : shown.asOf !== undefined
            ? { asOf: shown.asOf }
            : {}),
      filters: [...shown.filters],
      ...(cursor === undefined ? {} : { cursor }),
      pageSize: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });

  const show = (event: FormEvent) => {
    event.preventDefault();
    const version = versionText.trim();
    const asOf = asOfText.trim();
    if (version !== '' && asOf !== '') {
      setFormError('Give a version or a time, not both.');
      return;
    }
    if (version !== '' && !/^\d+$/.test(version)) {
      setFormError(`'${version}' is not a version: versions are whole numbers from 0.`);
      return;
    }
    setFormError(null);
    setCursors([undefined]);
    setPinned(undefined);
    setOpened(null);
    setShown({
      ...(version === '' ? {} : { version: Number(version) }),
      ...(asOf === '' ? {} : { asOf }),
      filters,
    });
  };
  const data = page.data;
  const columns = data?.columns ?? [];
  const openedRow = opened === null ? undefined : data?.rows[opened];
  const openedPosition = opened === null ? undefined : data?.positions[opened];
  const first = (cursors.length - 1) * PAGE_SIZE;

  return (
    <>
      <PageHeader
        title={
          <>
            Records of <span className="font-mono">{name}</span>
          </>
        }
        description="Any version or time, filtered by column values; files whose statistics rule out a match are not read."
        actions={<ButtonLink href={`/tables/${encodeURIComponent(name)}`}>Back to table</ButtonLink>}
      />
      <div className="space-y-4">
        <Panel title="What to show">
          <div className="space-y-3">
            <form onSubmit={show} id="records-query" className="flex flex-wrap items-end gap-2">
              <TextField
                label="Version"
                className="w-28"
                inputMode="numeric"
                placeholder="latest"
                value={versionText}
                onChange={(e) => setVersionText(e.target.value)}
              />
              <TextField
                label="As of time"
                className="w-64"
                placeholder="2026-01-31T12:00:00Z"
                value={asOfText}
                onChange={(e) => setAsOfText(e.target.value)}
              />
              <Button type="submit" variant="primary">
                Show rows
              </Button>
            </form>
            {table.data === undefined ? null : (
              <RecordFilters
                columns={table.data.deltaSchema.fields.map((f) => f.name)}
                filters={filters}
                onChange={setFilters}
              />
            )}
            {formError === null ? null : <ErrorMessage error={formError} />}
          </div>
        </Panel>
        <Panel
          title="Rows"
          bodyClassName=""
          actions={
            data?.exists && data.version !== null ? (
              <RecordExportButtons
                request={{ table: name, version: data.version, filters: [...shown.filters] }}
              />
            ) : undefined
          }
        >
          <ErrorMessage error={page.error} className="m-3" />
          {data === undefined ? (
            page.error === null ? (
              <Loading what="rows" />
            ) : null
          ) : !data.exists ? (
            <div className="p-4">
              <EmptyState title="No rows yet">Nothing has been published to this table yet.</EmptyState>
            </div>
          ) : (
            <>
              <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-2">
                <StatsLine page={data} />
                <span className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="page-position">
                  {data.rows.length === 0
                    ? 'no matching rows'
                    : `rows ${formatInteger(first + 1)}–${formatInteger(first + data.rows.length)}`}
                </span>
              </div>
              {data.rows.length === 0 ? null : (
                <DataTable
                  data-testid="records-table"
                  className="max-h-[32rem] overflow-y-auto"
                  scrollLabel="Rows"
                >
                  <thead>
                    <tr>
                      <Th>
                        <span className="sr-only">Open</span>
                      </Th>
                      {columns.map((c) => (
                        <Th key={c.name} className="font-mono" title={c.type}>
                          {c.name}
                        </Th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {data.rows.map((row, i) => (
                      <tr key={`${data.positions[i]?.file}.${data.positions[i]?.row}`}>
                        <Td>
                          <Button size="sm" variant="ghost" onClick={() => setOpened(i)}>
                            Open row {first + i + 1}
                          </Button>
                        </Td>
                        {row.map((cell, j) => (
                          <Td
                            key={columns[j]?.name}
                            className="max-w-xs truncate font-mono text-xs"
                            title={
                              cell === null
                                ? 'null'
                                : typeof cell === 'object'
                                  ? JSON.stringify(cell)
                                  : String(cell)
                            }
                          >
                            <Cell value={cell} />
                          </Td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </DataTable>
              )}
              <div className="flex items-center justify-end gap-2 px-4 py-2">
                <Button
                  size="sm"
                  disabled={cursors.length === 1}
                  onClick={() => {
                    setOpened(null);
                    setCursors(cursors.slice(0, -1));
                  }}
                >
                  Previous page
                </Button>
                <Button
                  size="sm"
                  disabled={data.nextCursor === null}
                  onClick={() => {
                    if (data.nextCursor === null) return;
                    setOpened(null);
                    setPinned(data.version ?? undefined);
                    setCursors([...cursors, data.nextCursor]);
                  }}
                >
                  Next page
                </Button>
              </div>
            </>
          )}
        </Panel>
      </div>
      <Dialog
        open={openedRow !== undefined}
        title={`Row ${first + (opened ?? 0) + 1} of version ${data?.version ?? ''}`}
        onClose={() => setOpened(null)}
      >
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Data file {openedPosition?.file}, row {openedPosition?.row}
        </p>
        <pre
          data-testid="row-json"
          className="max-h-96 overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs dark:bg-zinc-950"
        >
          {openedRow === undefined
            ? ''
            : JSON.stringify(
                Object.fromEntries(columns.map((c, j) => [c.name, openedRow[j] ?? null])),
                null,
                2,
              )}
        </pre>
      </Dialog>
    </>
  );
}
