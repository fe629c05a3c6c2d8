'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ButtonLink } from '../../../src/ui/button';
import { EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { TextField } from '../../../src/ui/field';
import { formatAgo } from '../../../src/ui/format';
import { PageHeader, Panel } from '../../../src/ui/layout';
import { ScopeSelect } from '../../../src/ui/scope-select';
import { useSession } from '../../../src/ui/session';
import { DataTable, Td, Th } from '../../../src/ui/table';
import { TableNameLink } from '../../../src/ui/table-name-link';
import { useTRPC } from '../../../src/ui/trpc';
import { useDebounced } from '../../../src/ui/use-debounced';

/** The tables list: search by name, narrow to a catalog or schema, open one; editors create from here. */
export function TablesList() {
  const trpc = useTRPC();
  const { canEdit } = useSession();
  const [search, setSearch] = useState('');
  const [catalog, setCatalog] = useState('');
  const [schema, setSchema] = useState('');
  const debouncedSearch = useDebounced(search.trim(), 200);
  const scope = schema !== '' ? schema : catalog;
  const filtered = debouncedSearch !== '' || scope !== '';
  const tables = useQuery({
    ...trpc.tables.list.queryOptions({
      ...(scope === '' ? {} : { scope }),
      ...(debouncedSearch === '' ? {} : { search: debouncedSearch }),
    }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title="Tables"
        description="Delta tables producers stream into. Open one for its schema, .proto, SDK snippets, history and latest rows."
        actions={
          canEdit ? (
            <ButtonLink href="/tables/new" variant="primary">
              Create table
            </ButtonLink>
          ) : undefined
        }
      />
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <TextField
          label="Search tables"
          type="search"
          placeholder="name contains…"
          className="w-72"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <ScopeSelect
          catalog={catalog}
          schema={schema}
          onChange={(c, s) => {
            setCatalog(c);
            setSchema(s);
          }}
        />
      </div>
      <ErrorMessage error={tables.error} className="mb-4" />
      {tables.isPending ? (
        <Loading what="tables" />
      ) : tables.data === undefined ? null : tables.data.length === 0 ? (
        filtered ? (
          <EmptyState title="No tables match">Try another name, or all catalogs and schemas.</EmptyState>
        ) : (
          <EmptyState title="No tables yet — create one">
            {canEdit ? (
              <>
                <span>A table needs a catalog and a schema; you can create both on the way.</span>
                <ButtonLink href="/tables/new" variant="primary">
                  Create your first table
                </ButtonLink>
              </>
            ) : (
              <span>Ask an editor or admin to create one.</span>
            )}
          </EmptyState>
        )
      ) : (
        <Panel bodyClassName="">
          <DataTable data-testid="tables-list">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th className="text-right">Columns</Th>
                <Th>Comment</Th>
                <Th>Location</Th>
                <Th>Created</Th>
              </tr>
            </thead>
            <tbody>
              {tables.data.map((table) => (
                <tr key={table.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
                  <Td>
                    <TableNameLink name={table.name} className="font-medium" />
                  </Td>
                  <Td className="text-right tabular-nums">{table.deltaSchema.fields.length}</Td>
                  <Td className="max-w-xs truncate text-zinc-600 dark:text-zinc-400">
                    {table.comment ?? ''}
                  </Td>
                  <Td className="max-w-xs truncate font-mono text-xs text-zinc-500 dark:text-zinc-400">
                    {table.storageLocation}
                  </Td>
                  <Td className="whitespace-nowrap text-zinc-500 dark:text-zinc-400">
                    {formatAgo(table.createdAt)}
                  </Td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        </Panel>
      )}
    </>
  );
}
