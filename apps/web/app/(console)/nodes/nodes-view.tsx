'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '../../../src/ui/button';
import { Banner, EmptyState, ErrorMessage, Loading } from '../../../src/ui/feedback';
import { formatAgo, formatMs, formatTime } from '../../../src/ui/format';
import { PageHeader, Panel } from '../../../src/ui/layout';
import { RegisteredNodesPanel } from '../../../src/ui/nodes/registered-nodes-panel';
import { useSession } from '../../../src/ui/session';
import { Badge, DataTable, Td, Th } from '../../../src/ui/table';
import { useTRPC } from '../../../src/ui/trpc';

/**
 * The nodes registered by heartbeat (their own panel: load over time, drain), then the static ingest nodes
 * (LAKESTREAM_INGEST_NODES), each freshly asked its status: reachable, health (a degraded or
 * failed node's reasons in a banner), node id, the catalog version it runs against the latest (the last known
 * one while unreachable), draining, live streams, uptime (none while unreachable), the last error. Refreshes
 * every 5 s; admins can push the catalog now (the console also pushes after every change and reconciles on
 * its own).
 */
export function NodesView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { isAdmin } = useSession();
  const nodes = useQuery({ ...trpc.nodes.list.queryOptions(), refetchInterval: 5_000 });
  const push = useMutation(
    trpc.nodes.push.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.nodes.list.queryKey() }),
    }),
  );
  const list = nodes.data?.nodes ?? [];
  const registered = nodes.data?.registered ?? [];
  const unreachable = list.filter((n) => !n.reachable);
  const unwell = list.filter((n) => n.reachable && n.health !== null && n.health !== 'ok');

  return (
    <>
      <PageHeader
        title="Ingest nodes"
        description="Nodes that registered by heartbeat (--control-plane-url) and nodes listed in LAKESTREAM_INGEST_NODES. Each runs the catalog the console provisioned; a node behind gets the latest on the next check."
        actions={
          isAdmin ? (
            <Button
              variant="primary"
              disabled={push.isPending || list.length === 0}
              onClick={() => push.mutate()}
            >
              {push.isPending ? 'Pushing…' : 'Push catalog now'}
            </Button>
          ) : undefined
        }
      />
      <div className="space-y-4">
        {unreachable.length === 0 ? null : (
          <Banner>
            {unreachable.length === 1 ? '1 node is' : `${unreachable.length} nodes are`} unreachable:{' '}
            {unreachable.map((n) => n.address).join(', ')}. They keep ingesting with the catalog they last
            received.
          </Banner>
        )}
        {unwell.map((n) => (
          <Banner key={n.address}>
            Node {n.nodeId ?? n.address} is {n.health}: {n.healthReasons.join('; ')}
          </Banner>
        ))}
        <ErrorMessage error={nodes.error ?? push.error} />
        {push.data === undefined ? null : (
          <p role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
            ✓ Pushed catalog version {nodes.data?.catalogVersion ?? ''} to{' '}
            {push.data.nodes.filter((n) => n.reachable).length} of {push.data.nodes.length} nodes.
          </p>
        )}
        {registered.length === 0 ? null : (
          <RegisteredNodesPanel
            nodes={registered}
            missedBeats={nodes.data?.missedBeats ?? 0}
            isAdmin={isAdmin}
          />
        )}
        {nodes.isPending ? (
          <Loading what="nodes" />
        ) : list.length === 0 && registered.length > 0 ? null : list.length === 0 ? (
          <EmptyState title="No ingest nodes registered">
            <span>
              Start a node (<code className="font-mono">npm start</code> runs one) and list its admin address
              in <code className="font-mono">LAKESTREAM_INGEST_NODES</code>, e.g.{' '}
              <code className="font-mono">127.0.0.1:50052=./data/admin-secret</code>, or start it with{' '}
              <code className="font-mono">--control-plane-url</code> to register it.
            </span>
          </EmptyState>
        ) : (
          <Panel
            title={`Nodes (${list.length})`}
            actions={
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                console catalog version {nodes.data?.catalogVersion}
              </span>
            }
            bodyClassName=""
          >
            <DataTable data-testid="nodes-table">
              <thead>
                <tr>
                  <Th>Admin address</Th>
                  <Th>Status</Th>
                  <Th>Node id</Th>
                  <Th>Catalog version</Th>
                  <Th className="text-right">Streams</Th>
                  <Th>Uptime</Th>
                  <Th>Last error</Th>
                  <Th>Checked</Th>
                </tr>
              </thead>
              <tbody>
                {list.map((n) => {
                  const current = n.catalogVersion !== null && n.catalogVersion >= n.latestVersion;
                  return (
                    <tr key={n.address}>
                      <Td className="font-mono">{n.address}</Td>
                      <Td>
                        <span className="inline-flex gap-1">
                          {n.reachable ? (
                            <Badge tone="good">reachable</Badge>
                          ) : (
                            <Badge tone="bad">unreachable</Badge>
                          )}
                          {n.health === 'degraded' ? <Badge tone="warn">degraded</Badge> : null}
                          {n.health === 'failed' ? <Badge tone="bad">failed</Badge> : null}
                          {n.draining ? <Badge tone="warn">draining</Badge> : null}
                        </span>
                      </Td>
                      <Td className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
                        {n.nodeId ?? '—'}
                      </Td>
                      <Td className="whitespace-nowrap">
                        <span className="tabular-nums">
                          {n.catalogVersion ?? '—'} / {n.latestVersion}
                        </span>{' '}
                        {!n.reachable ? (
                          <Badge tone="warn">last known</Badge>
                        ) : current ? (
                          <Badge tone="good">up to date</Badge>
                        ) : (
                          <Badge tone="warn">behind</Badge>
                        )}
                      </Td>
                      <Td className="text-right tabular-nums">{n.streamCount}</Td>
                      <Td className="whitespace-nowrap">{n.reachable ? formatMs(n.uptimeMs) : '—'}</Td>
                      <Td className="max-w-sm text-xs text-red-700 dark:text-red-400">{n.lastError ?? ''}</Td>
                      <Td
                        className="whitespace-nowrap text-zinc-500 dark:text-zinc-400"
                        title={formatTime(n.checkedAt)}
                      >
                        {formatAgo(n.checkedAt)}
                      </Td>
                    </tr>
                  );
                })}
              </tbody>
            </DataTable>
          </Panel>
        )}
      </div>
    </>
  );
}
