'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RegisteredNode } from '../api-types';
import { Button } from '../button';
import { TimeChart } from '../chart';
import { ErrorMessage } from '../feedback';
import { formatAgo, formatBytes, formatInteger, formatTime } from '../format';
import { Panel } from '../layout';
import { Badge, DataTable, Td, Th } from '../table';
import { useTRPC } from '../trpc';

/** Bytes per second and WAL backlog of one node over the last hour, one point per heartbeat. */
function NodeLoadChart({ nodeId }: { nodeId: string }) {
  const trpc = useTRPC();
  const load = useQuery({ ...trpc.nodes.load.queryOptions({ nodeId }), refetchInterval: 5_000 });
  const samples = load.data?.samples ?? [];
  return (
    <div className="w-48">
      <TimeChart
        label={`Bytes per second and WAL backlog of ${nodeId}`}
        testId={`node-load-${nodeId}`}
        sparkline
        height={32}
        data={{
          times: samples.map((s) => s.at),
          values: [samples.map((s) => s.bytesPerSecond), samples.map((s) => s.walBacklogBytes)],
        }}
        series={[
          { label: 'bytes/s', color: 1 },
          { label: 'WAL backlog', color: 3 },
        ]}
        format={formatBytes}
      />
    </div>
  );
}

/**
 * The nodes that registered by heartbeat (`--control-plane-url`): reachable or not (missed beats), serving,
 * draining or drained, load now and over the last hour (bytes/s and WAL backlog), last beat. Admins can drain
 * a node: its streams get `close_stream_signal`, it refuses new ones and shows `drained` once it holds nothing.
 */
export function RegisteredNodesPanel({
  nodes,
  missedBeats,
  isAdmin,
}: {
  nodes: readonly RegisteredNode[];
  missedBeats: number;
  isAdmin: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const drain = useMutation(
    trpc.nodes.drain.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.nodes.list.queryKey() }),
    }),
  );
  return (
    <Panel
      title={`Registered nodes (${nodes.length})`}
      actions={
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          unreachable after {missedBeats} missed beats
        </span>
      }
      bodyClassName=""
    >
      <ErrorMessage error={drain.error} />
      <DataTable data-testid="registered-nodes-table">
        <thead>
          <tr>
            <Th>Node id</Th>
            <Th>Status</Th>
            <Th>Endpoint / admin</Th>
            <Th className="text-right">Streams</Th>
            <Th className="text-right">Bytes/s</Th>
            <Th className="text-right">Memory</Th>
            <Th className="text-right">WAL backlog</Th>
            <Th>Last hour</Th>
            <Th>Last beat</Th>
            {isAdmin ? <Th /> : null}
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.nodeId}>
              <Td className="font-mono">
                {n.nodeId}
                <div className="text-xs text-zinc-500 dark:text-zinc-400">
                  v{n.version} · catalog {n.catalogVersion ?? '—'}
                </div>
              </Td>
              <Td>
                <span className="inline-flex gap-1">
                  {n.reachable ? <Badge tone="good">reachable</Badge> : <Badge tone="bad">unreachable</Badge>}
                  {n.state === 'draining' ? <Badge tone="warn">draining</Badge> : null}
                  {n.state === 'drained' ? <Badge tone="warn">drained</Badge> : null}
                </span>
              </Td>
              <Td className="font-mono text-xs">
                {n.endpoint}
                <div className="text-zinc-500 dark:text-zinc-400">{n.adminAddress}</div>
              </Td>
              <Td className="text-right tabular-nums">{formatInteger(n.streams)}</Td>
              <Td className="text-right tabular-nums">{formatBytes(n.bytesPerSecond)}</Td>
              <Td className="whitespace-nowrap text-right tabular-nums">
                {formatBytes(n.memoryUsedBytes)} / {formatBytes(n.memoryBudgetBytes)}
              </Td>
              <Td className="text-right tabular-nums">{formatBytes(n.walBacklogBytes)}</Td>
              <Td>
                <NodeLoadChart nodeId={n.nodeId} />
              </Td>
              <Td
                className="whitespace-nowrap text-zinc-500 dark:text-zinc-400"
                title={formatTime(n.lastBeatAt)}
              >
                {formatAgo(n.lastBeatAt)}
              </Td>
              {isAdmin ? (
                <Td>
                  <Button
                    variant="danger"
                    size="sm"
                    disabled={drain.isPending || n.state !== 'serving' || !n.reachable}
                    onClick={() => {
                      if (window.confirm(`Drain ${n.nodeId}? Its streams move to other nodes.`)) {
                        drain.mutate({ node: n.nodeId });
                      }
                    }}
                  >
                    Drain
                  </Button>
                </Td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </DataTable>
    </Panel>
  );
}
