/**
 * Live stream metrics as rates: one sampling of every ingest node's admin `ListStreams` becomes a `Tick`,
 * whose points are the counter differences from the previous tick divided by the time between the two
 * answers. Pure functions (no clock, no I/O), so they are tested on hand-fed samples.
 */

/** One point of a live series. Per-stream points have `publishLagMs` null (publishing is per table). */
export interface LivePoint {
  /** When the sampling started (ms since the epoch, console clock); the same for every series of a tick. */
  readonly t: number;
  readonly recordsPerSec: number;
  readonly bytesPerSec: number;
  /** Ack latency median and 99th percentile (ms) as the node reports them; null before the first ack. */
  readonly ackP50Ms: number | null;
  readonly ackP99Ms: number | null;
  /** Bytes read and not yet acked (a gauge, not a rate). */
  readonly inFlightBytes: number;
  readonly errorsPerSec: number;
  /** Age of the oldest acked record not yet in the Delta table (ms), the largest over the nodes. */
  readonly publishLagMs: number | null;
  /** Time to table: ack → visible in a Delta commit (ms), the largest of the nodes' p99s; null: not reported. */
  readonly timeToTableMs: number | null;
  /** Acked bytes not yet published (the WAL backlog), summed over the nodes; null: not reported. */
  readonly walBacklogBytes: number | null;
}

/** A live stream as a node listed it, numbers parsed. */
export interface StreamSample {
  readonly streamId: string;
  readonly table: string;
  readonly principalId: string;
  readonly kind: 'ephemeral' | 'persistent';
  /** `opening`, `open`, `draining`, `closing` (or `unspecified`). */
  readonly state: string;
  /** ms since the epoch, node clock. */
  readonly startedAt: number;
  readonly records: number;
  readonly bytes: number;
  readonly errors: number;
  /** Highest acked offset on this connection (decimal; -1 before the first ack). */
  readonly ackedOffset: string;
  readonly ackP50Ms: number | null;
  readonly ackP99Ms: number | null;
  readonly inFlightBytes: number;
}

/** Publishing of one table on one node (admin `TablePublishInfo`). */
export interface TablePublishSample {
  readonly table: string;
  /** Age of the oldest acked record not yet in the Delta table (ms); 0 when none. */
  readonly oldestUnpublishedAgeMs: number;
  readonly unpublishedRecords: number;
  /** The memory those records hold in the node's buffer until published. */
  readonly unpublishedBytes: number;
  /** null before the node's first commit to the table since it started. */
  readonly lastCommittedVersion: number | null;
  readonly lastCommitAt: number | null;
  /** Time to table (ack → visible, ms) p99 over the node's recent commits; null before one (or an older node). */
  readonly timeToTableP99Ms: number | null;
}

/** Who a sampled node is. The admin address is the key (stream ids are unique per node only). */
export interface NodeIdentity {
  /** `host:port` of its admin API, where the console samples it. */
  readonly address: string;
  /** Its node id; null for a static node not reached yet. */
  readonly nodeId: string | null;
  /** The gRPC endpoint it advertises to producers (registered nodes); null when unknown. */
  readonly endpoint: string | null;
  /** Registered by heartbeat rather than listed in `LAKESTREAM_INGEST_NODES`. */
  readonly registered: boolean;
}

/** What one node answered at one sampling, or why it did not. */
export interface NodeSample extends NodeIdentity {
  /** When the answer (or the failure) arrived (ms, console clock): rates divide by differences of these. */
  readonly at: number;
  readonly reachable: boolean;
  readonly error: string | null;
  readonly streams: readonly StreamSample[];
  readonly tables: readonly TablePublishSample[];
  /**
   * Failed streams per table since the node started (`ListStreamsResponse.failures`; table `''`: streams that
   * ended before naming one), counted by the node when they end. Undefined for a node older than that field:
   * its errors are then only those of the streams still listed.
   */
  readonly failures?: ReadonlyMap<string, number> | undefined;
  /** When the node started (ms, node clock): failure counters restart from 0 with it. */
  readonly startedAt?: number | undefined;
}

/** One stream in one tick: where it runs, its counters, its point (null when no rate could be computed). */
export interface StreamEntry {
  readonly node: string;
  readonly stream: StreamSample;
  readonly point: LivePoint | null;
}

/** Publishing of one table over every node that reported it. */
export interface TablePublishState {
  readonly unpublishedRecords: number;
  readonly unpublishedBytes: number;
  /** The highest version any node last committed; null when none has committed since it started. */
  readonly lastCommittedVersion: number | null;
  readonly lastCommitAt: number | null;
}

/** One sampling of every node, with the points computed against the previous one. */
export interface Tick {
  readonly t: number;
  readonly nodes: readonly NodeSample[];
  /** Keyed by `streamKey(node, streamId)`. */
  readonly streams: ReadonlyMap<string, StreamEntry>;
  /** Per table: its point (absent on the first tick: no rates without a previous sampling). */
  readonly tables: ReadonlyMap<string, LivePoint>;
  readonly publishing: ReadonlyMap<string, TablePublishState>;
  /** Every table together; null on the first tick. */
  readonly totals: LivePoint | null;
  /** Per node (admin address) that answered: its streams together, its tables' publishing; none on the first tick. */
  readonly nodePoints: ReadonlyMap<string, LivePoint>;
}

/** How a table, node or the totals publish, for their points (see `LivePoint`). */
export interface PublishFigures {
  readonly publishLagMs: number | null;
  readonly timeToTableMs: number | null;
  readonly walBacklogBytes: number | null;
}

/** No publishing reported. */
const NO_PUBLISHING: PublishFigures = { publishLagMs: null, timeToTableMs: null, walBacklogBytes: null };

/** The key of a stream across nodes (stream ids are unique per node only). */
export function streamKey(node: string, streamId: string): string {
  return `${node}\u0000${streamId}`;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The point of a stream at `at` from its counters then and at `previousAt` (`previous` undefined: the
 * stream was not listed then, so it started since and its counters started at 0). Null when the time did not
 * move or a counter went down (not the same stream: a node restarted and reused an id).
 */
export function streamPoint(
  t: number,
  current: StreamSample,
  at: number,
  previous: StreamSample | undefined,
  previousAt: number,
): LivePoint | null {
  const seconds = (at - previousAt) / 1000;
  const records = current.records - (previous?.records ?? 0);
  const bytes = current.bytes - (previous?.bytes ?? 0);
  const errors = current.errors - (previous?.errors ?? 0);
  if (seconds <= 0 || records < 0 || bytes < 0 || errors < 0) return null;
  return {
    t,
    recordsPerSec: records / seconds,
    bytesPerSec: bytes / seconds,
    ackP50Ms: current.ackP50Ms,
    ackP99Ms: current.ackP99Ms,
    inFlightBytes: current.inFlightBytes,
    errorsPerSec: errors / seconds,
    ...NO_PUBLISHING,
  };
}

/**
 * One point for several streams (a table, or all of them): rates summed over the streams that have a point,
 * in-flight bytes over every listed stream. Ack latency: the p99 is the **largest** of the streams' p99s (an
 * upper bound of the true p99 of their union, which their percentiles alone cannot give), the p50 the
 * **median** of the streams' p50s (the typical stream's median). The publishing figures are the caller's.
 */
export function aggregatePoint(
  t: number,
  entries: readonly StreamEntry[],
  publishing: PublishFigures = NO_PUBLISHING,
): LivePoint {
  let recordsPerSec = 0;
  let bytesPerSec = 0;
  let errorsPerSec = 0;
  let inFlightBytes = 0;
  let ackP99Ms: number | null = null;
  const p50s: number[] = [];
  for (const { stream, point } of entries) {
    inFlightBytes += stream.inFlightBytes;
    if (point === null) continue;
    recordsPerSec += point.recordsPerSec;
    bytesPerSec += point.bytesPerSec;
    errorsPerSec += point.errorsPerSec;
    if (stream.ackP99Ms !== null) ackP99Ms = Math.max(ackP99Ms ?? 0, stream.ackP99Ms);
    if (stream.ackP50Ms !== null) p50s.push(stream.ackP50Ms);
  }
  return {
    t,
    recordsPerSec,
    bytesPerSec,
    ackP50Ms: median(p50s),
    ackP99Ms,
    inFlightBytes,
    errorsPerSec,
    publishLagMs: publishing.publishLagMs,
    timeToTableMs: publishing.timeToTableMs,
    walBacklogBytes: publishing.walBacklogBytes,
  };
}

function maxOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/**
 * The publishing figures of `samples` (one node's tables, or one table on every node): the oldest
 * unpublished record anywhere, the largest time to table, the backlog summed. Null figures with no sample.
 */
export function publishFiguresOf(samples: readonly TablePublishSample[]): PublishFigures {
  if (samples.length === 0) return NO_PUBLISHING;
  let publishLagMs = 0;
  let timeToTableMs: number | null = null;
  let walBacklogBytes = 0;
  for (const p of samples) {
    publishLagMs = Math.max(publishLagMs, p.oldestUnpublishedAgeMs);
    timeToTableMs = maxOrNull(timeToTableMs, p.timeToTableP99Ms);
    walBacklogBytes += p.unpublishedBytes;
  }
  return { publishLagMs, timeToTableMs, walBacklogBytes };
}

/** Every table's publishing summed over the nodes, and each table's publish samples of every node. */
function publishingOf(nodes: readonly NodeSample[]): {
  publishing: Map<string, TablePublishState>;
  samples: Map<string, TablePublishSample[]>;
} {
  const publishing = new Map<string, TablePublishState>();
  const samples = new Map<string, TablePublishSample[]>();
  for (const node of nodes) {
    for (const p of node.tables) {
      const before = publishing.get(p.table);
      publishing.set(p.table, {
        unpublishedRecords: (before?.unpublishedRecords ?? 0) + p.unpublishedRecords,
        unpublishedBytes: (before?.unpublishedBytes ?? 0) + p.unpublishedBytes,
        lastCommittedVersion: maxOrNull(before?.lastCommittedVersion ?? null, p.lastCommittedVersion),
        lastCommitAt: maxOrNull(before?.lastCommitAt ?? null, p.lastCommitAt),
      });
      const list = samples.get(p.table);
      if (list === undefined) samples.set(p.table, [p]);
      else list.push(p);
    }
  }
  return { publishing, samples };
}

/**
 * Failed streams per second of every table on the nodes that report failure counters: the counter
 * differences between the node's previous answer and this one over the time between them (a node that
 * restarted counts from 0). `undefined` when no node reports failures (older nodes).
 */
function failureRates(
  nodes: readonly NodeSample[],
  before: ReadonlyMap<string, NodeSample>,
): Map<string, number> | undefined {
  let rates: Map<string, number> | undefined;
  for (const node of nodes) {
    if (node.failures === undefined) continue;
    rates ??= new Map();
    const last = before.get(node.address);
    if (last?.reachable !== true || last.failures === undefined) continue;
    const seconds = (node.at - last.at) / 1000;
    if (seconds <= 0) continue;
    const restarted = node.startedAt !== last.startedAt;
    for (const [table, count] of node.failures) {
      const previous = restarted ? 0 : (last.failures.get(table) ?? 0);
      const failed = count >= previous ? count - previous : count;
      rates.set(table, (rates.get(table) ?? 0) + failed / seconds);
    }
  }
  return rates;
}

/**
 * The tick of a sampling started at `t` whose answers are `nodes`, against `previous` (undefined for the
 * first sampling). A stream gets a point when its node answered both times: from its counters then, or from
 * zero when it was not listed then (it started in between). A stream whose node was unreachable last time
 * has no point this time. Streams no longer listed have ended: they are gone from this tick. Tables get a
 * point when there is a previous tick and they have a stream or publishing on some node; a node that does not
 * report publishing (older than that field) leaves `publishLagMs` null.
 */
export function computeTick(previous: Tick | undefined, t: number, nodes: readonly NodeSample[]): Tick {
  const before = new Map(previous?.nodes.map((n) => [n.address, n]));
  const streams = new Map<string, StreamEntry>();
  for (const node of nodes) {
    const last = before.get(node.address);
    for (const stream of node.streams) {
      const key = streamKey(node.address, stream.streamId);
      const point =
        last?.reachable === true
          ? streamPoint(t, stream, node.at, previous?.streams.get(key)?.stream, last.at)
          : null;
      streams.set(key, { node: node.address, stream, point });
    }
  }
  const { publishing, samples } = publishingOf(nodes);
  const tables = new Map<string, LivePoint>();
  const nodePoints = new Map<string, LivePoint>();
  let totals: LivePoint | null = null;
  if (previous !== undefined) {
    const failed = failureRates(nodes, before);
    const byTable = new Map<string, StreamEntry[]>();
    for (const entry of streams.values()) {
      const list = byTable.get(entry.stream.table);
      if (list === undefined) byTable.set(entry.stream.table, [entry]);
      else list.push(entry);
    }
    for (const table of publishing.keys()) if (!byTable.has(table)) byTable.set(table, []);
    for (const [table, rate] of failed ?? [])
      if (table !== '' && rate > 0 && !byTable.has(table)) byTable.set(table, []);
    // With failure counters, a table's errors are its failed streams, counted when they end (a failed stream
    // is live for an instant: the streams' own counters would almost never show it).
    const withFailures = (point: LivePoint, rate: number | undefined): LivePoint =>
      failed === undefined ? point : { ...point, errorsPerSec: rate ?? 0 };
    for (const [table, entries] of byTable)
      tables.set(
        table,
        withFailures(
          aggregatePoint(t, entries, publishFiguresOf(samples.get(table) ?? [])),
          failed?.get(table),
        ),
      );
    const allFailed = failed === undefined ? undefined : [...failed.values()].reduce((a, b) => a + b, 0);
    totals = withFailures(
      aggregatePoint(t, [...streams.values()], publishFiguresOf(nodes.flatMap((n) => n.tables))),
      allFailed,
    );
    for (const node of nodes) {
      if (!node.reachable) continue;
      const own = [...streams.values()].filter((e) => e.node === node.address);
      nodePoints.set(node.address, aggregatePoint(t, own, publishFiguresOf(node.tables)));
    }
  }
  return { t, nodes, streams, tables, publishing, totals, nodePoints };
}
