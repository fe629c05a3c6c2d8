import { Gauge, type Registry } from 'prom-client';
import { BUSY_REASONS, type NodeLoad } from '../load/node-load.js';

/**
 * The hot-routing gauges, read from the node's load at each scrape: `lakestream_node_busy{reason}` (1 while
 * that threshold is reached: new streams are refused) and `lakestream_busy_threshold{reason}` (the threshold;
 * 0: off). Reasons: `streams`, `inflight` (a fraction of the memory budget), `wal_backlog` (bytes).
 */
export function registerLoadGauges(registry: Registry, read: () => NodeLoad | undefined): void {
  const registers = [registry];
  const busy: Gauge<'reason'> = new Gauge({
    name: 'lakestream_node_busy',
    help: 'Whether the node is over a load threshold (1) and refuses new streams with UNAVAILABLE, by reason (streams, inflight, wal_backlog).',
    labelNames: ['reason'],
    registers,
    collect() {
      const load = read();
      if (load === undefined) return;
      const reached = new Set(load.busy().map((s) => s.reason));
      for (const reason of BUSY_REASONS) busy.set({ reason }, reached.has(reason) ? 1 : 0);
    },
  });
  const threshold: Gauge<'reason'> = new Gauge({
    name: 'lakestream_busy_threshold',
    help: 'The load thresholds (0: off): streams (--busy-streams), inflight (--busy-inflight-fraction of the memory budget), wal_backlog (--busy-wal-backlog-bytes).',
    labelNames: ['reason'],
    registers,
    collect() {
      const t = read()?.thresholds;
      if (t === undefined) return;
      threshold.set({ reason: 'streams' }, t.streams);
      threshold.set({ reason: 'inflight' }, t.inflightFraction);
      threshold.set({ reason: 'wal_backlog' }, t.walBacklogBytes);
    },
  });
}
