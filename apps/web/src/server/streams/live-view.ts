import type {
  LivePoint,
  NodeIdentity,
  StreamEntry,
  StreamSample,
  TablePublishState,
  Tick,
} from './stream-rates';

/** The error of every node before the first sampling (they are not known to be down). */
export const NOT_SAMPLED_YET = 'not sampled yet';

/** The windows `streams.live` offers (seconds). */
export const LIVE_WINDOWS = [60, 300, 900] as const;
/** One of `LIVE_WINDOWS`. */
export type LiveWindowSeconds = (typeof LIVE_WINDOWS)[number];

/** A node in the live view: who it is, and whether its last sampling answered. */
export interface LiveNode extends NodeIdentity {
  readonly reachable: boolean;
  readonly error: string | null;
  /** Its streams together and its tables' publishing, oldest first, within the window. */
  readonly points: LivePoint[];
}

/** A table in the live view. */
export interface LiveTable {
  readonly table: string;
  /** Live streams now, over every node. */
  readonly streams: number;
  /** Its point of the latest sampling, or null (no stream or publishing now, or the first sampling). */
  readonly current: LivePoint | null;
  /** Oldest first, within the window. */
  readonly points: LivePoint[];
  /** Publishing now, summed over the nodes that reported it; null when none did. */
  readonly publish: TablePublishState | null;
}

/** The fields of a node's stream sample that the live view passes on as they are. */
type StreamIdentity = Pick<
  StreamSample,
  'streamId' | 'table' | 'principalId' | 'kind' | 'state' | 'startedAt' | 'records' | 'bytes' | 'ackedOffset'
>;

/** A live stream in the live view: its sample's identity and counters, its node and its series. */
export interface LiveStream extends StreamIdentity {
  /** The admin address of its node (the key of `LiveView.nodes`). */
  readonly node: string;
  /** Its node's id (null: a static node not asked yet) and advertised gRPC endpoint (null: not known). */
  readonly nodeId: string | null;
  readonly nodeEndpoint: string | null;
  readonly current: LivePoint | null;
  readonly points: LivePoint[];
}

/** What `streams.live` answers. */
export interface LiveView {
  /** When the latest sampling started (ms); `now` when there has been none yet. */
  readonly sampledAt: number;
  readonly intervalMs: number;
  readonly nodes: LiveNode[];
  /** All the tables selected together (every table, or the one asked for), oldest first. */
  readonly totals: LivePoint[];
  /** By name. */
  readonly tables: LiveTable[];
  /** The streams live at the latest sampling, by table, node and id. */
  readonly streams: LiveStream[];
}

/** What `liveView` needs besides the ticks. */
export interface LiveViewOptions {
  readonly windowSeconds: LiveWindowSeconds;
  /** Only this table (any case). */
  readonly table?: string | undefined;
  readonly intervalMs: number;
  /** The nodes known now: listed as not reachable yet before the first sampling. */
  readonly nodes: readonly NodeIdentity[];
  /** The time to report when nothing was sampled yet. */
  readonly now: number;
}

/** Only the identity of a node sample (not its streams and counters). */
const identity = (n: NodeIdentity): NodeIdentity => ({
  address: n.address,
  nodeId: n.nodeId,
  endpoint: n.endpoint,
  registered: n.registered,
});

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The live view of `ticks` (oldest first): the points of the last `windowSeconds` before the latest tick, the
 * nodes, tables and streams of the latest tick. A table is listed when it has a point in the window or a
 * stream now; a stream only while it is live (ended streams drop out, their rates stay in their table's).
 */
export function liveView(ticks: readonly Tick[], options: LiveViewOptions): LiveView {
  const latest = ticks.at(-1);
  const only = options.table?.trim().toLowerCase() || undefined;
  const selected = (table: string) => only === undefined || table === only;
  if (latest === undefined) {
    return {
      sampledAt: options.now,
      intervalMs: options.intervalMs,
      nodes: options.nodes.map((node) => ({
        ...identity(node),
        reachable: false,
        error: NOT_SAMPLED_YET,
        points: [],
      })),
      totals: [],
      tables: [],
      streams: [],
    };
  }
  const from = latest.t - options.windowSeconds * 1000;
  let first = ticks.length - 1;
  while (first > 0 && ticks[first - 1]!.t > from) first--;
  const window = ticks.slice(first);

  const tablePoints = new Map<string, LivePoint[]>();
  const streamPoints = new Map<string, LivePoint[]>();
  const nodePoints = new Map<string, LivePoint[]>();
  const totals: LivePoint[] = [];
  for (const tick of window) {
    for (const [address, point] of tick.nodePoints) {
      const list = nodePoints.get(address);
      if (list === undefined) nodePoints.set(address, [point]);
      else list.push(point);
    }
    for (const [table, point] of tick.tables) {
      if (!selected(table)) continue;
      const list = tablePoints.get(table);
      if (list === undefined) tablePoints.set(table, [point]);
      else list.push(point);
    }
    for (const [key, entry] of tick.streams) {
      if (entry.point === null || !latest.streams.has(key) || !selected(entry.stream.table)) continue;
      const list = streamPoints.get(key);
      if (list === undefined) streamPoints.set(key, [entry.point]);
      else list.push(entry.point);
    }
    const total = only === undefined ? tick.totals : (tick.tables.get(only) ?? null);
    if (total !== null) totals.push(total);
  }

  const live: [string, StreamEntry][] = [...latest.streams].filter(([, e]) => selected(e.stream.table));
  const streamCount = new Map<string, number>();
  for (const [, e] of live) streamCount.set(e.stream.table, (streamCount.get(e.stream.table) ?? 0) + 1);
  const tableNames = new Set([...tablePoints.keys(), ...streamCount.keys()]);
  const nodesByAddress = new Map(latest.nodes.map((n) => [n.address, n]));

  return {
    sampledAt: latest.t,
    intervalMs: options.intervalMs,
    nodes: latest.nodes.map((n) => ({
      ...identity(n),
      reachable: n.reachable,
      error: n.error,
      points: nodePoints.get(n.address) ?? [],
    })),
    totals,
    tables: [...tableNames].sort(byText).map((table) => ({
      table,
      streams: streamCount.get(table) ?? 0,
      current: latest.tables.get(table) ?? null,
      points: tablePoints.get(table) ?? [],
      publish: latest.publishing.get(table) ?? null,
    })),
    streams: live
      .sort(
        ([, a], [, b]) =>
          byText(a.stream.table, b.stream.table) ||
          byText(a.node, b.node) ||
          byText(a.stream.streamId, b.stream.streamId),
      )
      .map(([key, { node, stream, point }]) => ({
        streamId: stream.streamId,
        node,
        nodeId: nodesByAddress.get(node)?.nodeId ?? null,
        nodeEndpoint: nodesByAddress.get(node)?.endpoint ?? null,
        table: stream.table,
        principalId: stream.principalId,
        kind: stream.kind,
        state: stream.state,
        startedAt: stream.startedAt,
        records: stream.records,
        bytes: stream.bytes,
        ackedOffset: stream.ackedOffset,
        current: point,
        points: streamPoints.get(key) ?? [],
      })),
  };
}
