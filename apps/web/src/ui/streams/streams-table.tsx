'use client';

import type { LiveStream } from '../api-types';
import { formatAgo, formatBytes, formatInteger, formatMs, formatNumber, formatTime } from '../format';
import { Badge, DataTable, Td, Th } from '../table';
import { TableNameLink } from '../table-name-link';

const STATE_TONE: Record<string, 'good' | 'warn' | 'neutral'> = {
  open: 'good',
  draining: 'warn',
  closing: 'warn',
};

/** What the acked offset counts: requests (a record or a batch each), not records or bytes. */
const ACKED_OFFSET_HINT =
  'The offset of the last request the node acknowledged as durable. It counts requests (each record or batch a producer sends is one), from 0: not records, not bytes.';

/** The live streams: where they run, who sends, their totals and current rates. */
export function StreamsTable({
  streams,
  nameOf,
  showTable = true,
}: {
  streams: readonly LiveStream[];
  nameOf: (principalId: string) => string;
  showTable?: boolean;
}) {
  return (
    <DataTable data-testid="streams-table">
      <thead>
        <tr>
          <Th>Stream</Th>
          {showTable ? <Th>Table</Th> : null}
          <Th>Node</Th>
          <Th>Principal</Th>
          <Th>Kind</Th>
          <Th>State</Th>
          <Th>Started</Th>
          <Th className="text-right">Records</Th>
          <Th className="text-right">Bytes</Th>
          <Th className="text-right">Records/s</Th>
          <Th className="text-right">Ack p99</Th>
          <Th className="text-right" title={ACKED_OFFSET_HINT}>
            Acked offset
            <span className="block text-[11px] font-normal" data-testid="acked-offset-hint">
              counts requests, from 0
            </span>
          </Th>
        </tr>
      </thead>
      <tbody>
        {streams.map((s) => (
          <tr key={`${s.node}/${s.streamId}`}>
            <Td className="font-mono text-xs" title={s.streamId}>
              {s.streamId.length > 14 ? `${s.streamId.slice(0, 12)}…` : s.streamId}
            </Td>
            {showTable ? (
              <Td>
                <TableNameLink name={s.table} />
              </Td>
            ) : null}
            <Td className="font-mono text-xs" data-testid="stream-node">
              {s.nodeId ?? s.node}
              <div className="text-zinc-500 dark:text-zinc-400">
                {s.nodeEndpoint === null ? '' : `${s.nodeEndpoint} · `}admin {s.node}
              </div>
            </Td>
            <Td>{nameOf(s.principalId)}</Td>
            <Td className="text-xs">{s.kind}</Td>
            <Td>
              <Badge tone={STATE_TONE[s.state] ?? 'neutral'}>{s.state}</Badge>
            </Td>
            <Td
              className="whitespace-nowrap text-zinc-500 dark:text-zinc-400"
              title={formatTime(s.startedAt)}
            >
              {formatAgo(s.startedAt)}
            </Td>
            <Td className="text-right tabular-nums">{formatInteger(s.records)}</Td>
            <Td className="text-right tabular-nums">{formatBytes(s.bytes)}</Td>
            <Td className="text-right tabular-nums">{formatNumber(s.current?.recordsPerSec)}</Td>
            <Td className="text-right tabular-nums">{formatMs(s.current?.ackP99Ms)}</Td>
            <Td className="text-right font-mono text-xs tabular-nums">{s.ackedOffset}</Td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
