'use client';

import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../../src/ui/button';
import { EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { SelectField, TextField } from '../../../src/ui/field';
import { formatTime } from '../../../src/ui/format';
import { PageHeader, Panel } from '../../../src/ui/layout';
import { PrincipalSelect } from '../../../src/ui/principal-select';
import { useSession } from '../../../src/ui/session';
import { Badge, DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC, useTRPCClient } from '../../../src/ui/trpc';
import { useDebounced } from '../../../src/ui/use-debounced';
import { usePrincipalNames } from '../../../src/ui/use-principal-names';

const PAGE_SIZE = 50;
const TARGET_TYPES = [
  'catalog',
  'schema',
  'table',
  'principal',
  'grant',
  'credential',
  'api_token',
  'request',
  'alert_rule',
] as const;

/** Actions that are refusals or cuts, shown in red with the revocations. */
const BAD_ACTIONS = new Set(['auth.sign_in_failed', 'auth.refused', 'token.refuse', 'stream.cut']);
type TargetType = (typeof TARGET_TYPES)[number];

/** The audit log, newest first, 50 rows a page ("Load more"), filtered by target type, target and actor. */
export function AuditView() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const { isAdmin } = useSession();
  const nameOf = usePrincipalNames();
  const principals = useQuery(trpc.principals.list.queryOptions());
  const [targetType, setTargetType] = useState<TargetType | ''>('');
  const [target, setTarget] = useState('');
  const [actorId, setActorId] = useState('');
  const settledTarget = useDebounced(target.trim(), 300);
  const filters = {
    ...(targetType === '' ? {} : { targetType }),
    ...(settledTarget === '' ? {} : { target: settledTarget }),
    ...(actorId === '' ? {} : { actorId }),
  };
  const audit = useInfiniteQuery({
    queryKey: [...trpc.audit.list.queryKey(filters), 'pages'],
    queryFn: ({ pageParam }) =>
      client.audit.list.query({
        ...filters,
        limit: PAGE_SIZE,
        ...(pageParam === 0 ? {} : { beforeId: pageParam }),
      }),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.length < PAGE_SIZE ? undefined : last[last.length - 1]?.id),
    enabled: isAdmin,
  });
  const rows = audit.data?.pages.flat() ?? [];

  if (!isAdmin) {
    return (
      <>
        <PageHeader title="Audit log" />
        <EmptyState title="The audit log is for admins">Ask an admin what changed.</EmptyState>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to the catalog: who, from where, what, and the catalog version it produced. Newest first."
      />
      <Panel bodyClassName="">
        <div className="flex flex-wrap items-end gap-3 border-b border-zinc-200 p-4 dark:border-zinc-800">
          <SelectField
            label="Target type"
            className="w-40"
            value={targetType}
            options={[{ value: '', label: 'Any' }, ...TARGET_TYPES.map((t) => ({ value: t, label: t }))]}
            onChange={(e) => setTargetType(e.target.value as TargetType | '')}
          />
          <TextField
            label="Target"
            type="search"
            placeholder="exact name or id, e.g. main.sales.orders"
            className="w-80"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
          <PrincipalSelect
            label="Actor"
            emptyLabel="Anyone"
            className="w-64"
            principals={principals.data ?? []}
            value={actorId}
            onChange={setActorId}
          />
        </div>
        <ErrorMessage error={audit.error} className="m-3" />
        {audit.isPending ? (
          <Loading what="the audit log" />
        ) : rows.length === 0 ? (
          <div className="p-4">
            <EmptyState title="No changes match">Changes appear here as soon as anyone makes one.</EmptyState>
          </div>
        ) : (
          <DataTable data-testid="audit-table">
            <thead>
              <tr>
                <Th>Time</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th>Target</Th>
                <Th>Details</Th>
                <Th>From</Th>
                <Th className="text-right">Version</Th>
              </tr>
            </thead>
            <tbody>
              {rows.map((entry) => (
                <tr key={entry.id}>
                  <Td className="whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                    {formatTime(entry.at)}
                  </Td>
                  <Td className="whitespace-nowrap">{nameOf(entry.actorId)}</Td>
                  <Td>
                    <Badge
                      tone={
                        entry.action.endsWith('revoke') ||
                        entry.action.endsWith('disable') ||
                        BAD_ACTIONS.has(entry.action)
                          ? 'bad'
                          : 'neutral'
                      }
                    >
                      {entry.action}
                    </Badge>
                  </Td>
                  <Td className="min-w-48">
                    <span className="mr-1.5 text-xs text-zinc-500">{entry.targetType}</span>
                    <button
                      type="button"
                      title="Show only this target"
                      className="text-left font-mono text-[13px] wrap-anywhere hover:underline"
                      onClick={() => setTarget(entry.target)}
                    >
                      {entry.targetType === 'principal' ? nameOf(entry.target) : entry.target}
                    </button>
                    {typeof entry.details.principalId === 'string' && entry.targetType !== 'principal' ? (
                      <span className="ml-1.5 text-xs text-zinc-500">
                        → {nameOf(entry.details.principalId)}
                      </span>
                    ) : null}
                  </Td>
                  <Td title={JSON.stringify(entry.details, null, 1)}>
                    {/* A block keeps the width: a table cell's own max-width does not hold its text in. */}
                    <div className="max-w-3xs truncate font-mono text-xs text-zinc-500 xl:max-w-xs dark:text-zinc-400">
                      {Object.keys(entry.details).length === 0 ? '' : JSON.stringify(entry.details)}
                    </div>
                  </Td>
                  <Td className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
                    {entry.fromAddress ?? '—'}
                  </Td>
                  <Td className="text-right tabular-nums">{entry.catalogVersion}</Td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        )}
        <div className="flex items-center justify-between border-t border-zinc-200 px-4 py-2.5 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
          <span>
            {rows.length} {rows.length === 1 ? 'change' : 'changes'} shown
          </span>
          {audit.hasNextPage ? (
            <Button size="sm" disabled={audit.isFetchingNextPage} onClick={() => audit.fetchNextPage()}>
              {audit.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </Button>
          ) : rows.length > 0 ? (
            <span>That is all.</span>
          ) : null}
        </div>
      </Panel>
    </>
  );
}
