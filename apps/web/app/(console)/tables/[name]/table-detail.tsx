'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Suspense, useState } from 'react';
import { Button, ButtonLink } from '../../../../src/ui/button';
import { CodeBlock } from '../../../../src/ui/code-block';
import { bytesFromBase64, saveBytes } from '../../../../src/ui/download';
import { EmptyState, ErrorMessage, Loading } from '../../../../src/ui/feedback';
import { formatTime } from '../../../../src/ui/format';
import { PageHeader, Panel } from '../../../../src/ui/layout';
import { useSession } from '../../../../src/ui/session';
import { EndedStreamsPanel } from '../../../../src/ui/streams/ended-streams-panel';
import { SchemaTree } from '../../../../src/ui/tables/schema-tree';
import { Tabs } from '../../../../src/ui/tabs';
import { trpcErrorCode, useTRPC } from '../../../../src/ui/trpc';
import { usePrincipalNames } from '../../../../src/ui/use-principal-names';
import { AddColumnsPanel } from './add-columns-panel';
import { SchemaVersionsPanel } from './schema-versions-panel';
import { TableGrantsPanel } from './table-grants-panel';
import { TableHistoryPanel } from './table-history-panel';
import { TableLifecycleActions } from './table-lifecycle-actions';
import { TableLivePanel } from './table-live-panel';
import { TablePreviewPanel } from './table-preview-panel';
import { TableSeriesChart } from './table-series-chart';
import { TableTestRecordPanel } from './table-test-record-panel';

/** "Download descriptor": the table's serialized DescriptorProto, as the SDKs send it, saved as a file. */
function DownloadDescriptor({ name }: { name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setError(null);
    setBusy(true);
    try {
      const descriptor = await queryClient.fetchQuery(trpc.tables.descriptor.queryOptions({ name }));
      saveBytes(descriptor.fileName, bytesFromBase64(descriptor.base64));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex flex-col items-end gap-1">
      <Button onClick={download} disabled={busy}>
        Download descriptor
      </Button>
      {error === null ? null : <ErrorMessage error={error} className="max-w-md text-xs" />}
    </div>
  );
}

/** The SDK snippets (TypeScript, Python, Rust) for this table and this deployment's endpoints. */
function SnippetsPanel({ name }: { name: string }) {
  const trpc = useTRPC();
  const snippets = useQuery(trpc.tables.snippets.queryOptions({ name }));
  return (
    <Panel
      title="Stream to it"
      actions={
        snippets.data === undefined ? undefined : (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            endpoint <code className="font-mono">{snippets.data.endpoint}</code> · token URL{' '}
            <code className="font-mono">{snippets.data.workspaceUrl}</code>
          </span>
        )
      }
    >
      <ErrorMessage error={snippets.error} />
      {snippets.data === undefined ? (
        snippets.error === null ? (
          <Loading what="snippets" />
        ) : null
      ) : (
        <Tabs
          label="SDK snippets"
          tabs={[
            { id: 'ts', label: 'TypeScript', content: <CodeBlock code={snippets.data.typescript} /> },
            { id: 'py', label: 'Python', content: <CodeBlock code={snippets.data.python} /> },
            { id: 'rs', label: 'Rust', content: <CodeBlock code={snippets.data.rust} /> },
          ]}
        />
      )}
    </Panel>
  );
}

/**
 * A table's page: its schema as a tree and its .proto, its schema versions with a diff, "Add columns" (editors),
 * the descriptor download, SDK snippets, the latest rows,
 * the live streams writing to it, its Delta history and the grants on it.
 */
export function TableDetail({ name }: { name: string }) {
  const trpc = useTRPC();
  const { canEdit } = useSession();
  const nameOf = usePrincipalNames();
  const table = useQuery(trpc.tables.get.queryOptions({ name }));
  const proto = useQuery(trpc.tables.proto.queryOptions({ name }));

  if (table.isPending) return <Loading what={name} />;
  if (table.error !== null) {
    return (
      <>
        <PageHeader title={<span className="font-mono">{name}</span>} />
        {trpcErrorCode(table.error) === 'NOT_FOUND' ? (
          <EmptyState title={`Table '${name}' does not exist`}>
            <ButtonLink href="/tables">Back to tables</ButtonLink>
          </EmptyState>
        ) : (
          <ErrorMessage error={table.error} />
        )}
      </>
    );
  }
  const info = table.data;
  const properties = Object.entries(info.properties);

  return (
    <>
      <PageHeader
        title={<span className="font-mono">{info.name}</span>}
        description={info.comment ?? undefined}
        actions={
          <>
            <ButtonLink href={`/tables/${encodeURIComponent(info.name)}/records`}>Browse records</ButtonLink>
            {canEdit ? (
              <ButtonLink href={`/grants?type=table&name=${encodeURIComponent(info.name)}`}>
                Grant access
              </ButtonLink>
            ) : null}
            <DownloadDescriptor name={info.name} />
            <TableLifecycleActions name={info.name} location={info.storageLocation} />
          </>
        }
      />
      <dl className="mb-4 grid grid-cols-2 gap-x-6 gap-y-1 text-[13px] md:grid-cols-4">
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Location</dt>
          <dd className="truncate font-mono text-xs" title={info.storageLocation}>
            {info.storageLocation}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Created</dt>
          <dd>
            {formatTime(info.createdAt)} by {nameOf(info.createdBy)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Columns</dt>
          <dd>{info.deltaSchema.fields.length}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Properties</dt>
          <dd className="font-mono text-xs">
            {properties.length === 0 ? '—' : properties.map(([k, v]) => `${k}=${v}`).join(', ')}
          </dd>
        </div>
      </dl>
      <div className="space-y-4">
        <div className="grid items-start gap-4 lg:grid-cols-2">
          <Panel title="Schema">
            <SchemaTree schema={info.deltaSchema} />
          </Panel>
          <Panel title=".proto">
            {proto.error !== null ? (
              <ErrorMessage error={proto.error} />
            ) : proto.data === undefined ? (
              <Loading />
            ) : (
              <CodeBlock code={proto.data.proto} />
            )}
          </Panel>
        </div>
        <SchemaVersionsPanel name={info.name} />
        {canEdit ? <AddColumnsPanel name={info.name} /> : null}
        <SnippetsPanel name={info.name} />
        <TablePreviewPanel name={info.name} />
        <TableTestRecordPanel name={info.name} schema={info.deltaSchema} />
        <TableLivePanel name={info.name} />
        {/* The chart keeps its window in the query string. */}
        <Suspense fallback={null}>
          <TableSeriesChart name={info.name} />
        </Suspense>
        <EndedStreamsPanel table={info.name} />
        <div className="grid items-start gap-4 xl:grid-cols-2">
          <TableHistoryPanel name={info.name} />
          <TableGrantsPanel name={info.name} />
        </div>
      </div>
    </>
  );
}
