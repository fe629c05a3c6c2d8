import type { EndedStreamInput } from '@lakestream/catalog';
import type {
  EndedStreamMessage,
  ListStreamsResponse,
  StreamInfoMessage,
  TablePublishInfoMessage,
} from '@lakestream/ingest/admin';
import type { IngestNodeConfig } from '../../env';
import { describeAdminError, withTimeout } from '../nodes/admin-call';
import type { AdminClient } from '../nodes/admin-client';
import { createNodeRoster, type KnownNode, type NodeSource } from '../nodes/known-nodes';
import { LIVE_WINDOWS, type LiveView, type LiveWindowSeconds, liveView } from './live-view';
import type { MetricSink } from './metric-history';
import {
  computeTick,
  type NodeIdentity,
  type NodeSample,
  type StreamSample,
  type TablePublishSample,
  type Tick,
} from './stream-rates';

/** Samples every ingest node's live streams in the background and keeps 15 minutes of rates. */
export interface StreamSampler extends AsyncDisposable {
  readonly intervalMs: number;
  /** Samples every node once now (the timer's step; tests). Never throws: failures mark the node unreachable. */
  sample(): Promise<void>;
  /** The live view of the last `windowSeconds`, of every table or of `table`. */
  view(windowSeconds: LiveWindowSeconds, table?: string): LiveView;
  /** Samples every `intervalMs` until closed (the timer does not keep the process alive). */
  start(): void;
  /**
   * Stops the timer, waits for a sampling under way (at most `callTimeoutMs`), writes the chart history's
   * open minute, closes the admin clients.
   */
  close(): Promise<void>;
}

/**
 * What `createStreamSampler` needs: its nodes come from the same `NodeSource` as the provisioner's (the static
 * list and the registered nodes still beating, re-read at each sampling).
 */
export interface StreamSamplerOptions extends NodeSource {
  readonly connect: (node: IngestNodeConfig) => Promise<AdminClient>;
  /** Time between samplings (ms). */
  readonly intervalMs: number;
  /** How long a node may take to answer before it counts as unreachable (ms). Default 5000. */
  readonly callTimeoutMs?: number;
  /** Where a failed sampling is reported (a bug: node failures are part of the samples). */
  readonly log?: (message: string, details: Record<string, unknown>) => void;
  /** Where each node's ended streams go (admin `ListEndedStreams`, read on from a cursor); none: not read. */
  readonly history?: EndedStreamSink | undefined;
  /** Where every tick goes for the chart history (downsampled and kept in the catalog); none: not kept. */
  readonly metrics?: MetricSink | undefined;
}

/** Ended streams of a node, as the sampler hands them on: what the catalog stores, and whether a revocation cut it. */
export interface EndedStreamRecord extends EndedStreamInput {
  /** Ended by a new catalog snapshot that took its rights (a revocation). */
  readonly revoked: boolean;
}

/** Where the sampler puts ended streams: a store that remembers how far it got with each node. */
export interface EndedStreamSink {
  /** The last seq stored of `node` started at `nodeStartedAt` (0: none): the sampler reads on after it. */
  cursor(node: string, nodeStartedAt: number): Promise<number>;
  /** Stores ended streams of `node` (seq ascending); storing one twice must be harmless. */
  record(node: string, nodeStartedAt: number, streams: readonly EndedStreamRecord[]): Promise<void>;
}

/** Ended streams read per call, and calls per node and sampling (a node far ahead is caught up over several). */
const ENDED_PAGE = 500;
const ENDED_PAGES_PER_SAMPLING = 4;

/** The longest window kept. */
const HISTORY_MS = Math.max(...LIVE_WINDOWS) * 1000;

const KINDS: Record<string, StreamSample['kind']> = {
  STREAM_KIND_EPHEMERAL: 'ephemeral',
  STREAM_KIND_PERSISTENT: 'persistent',
};

/** `STREAM_STATE_OPEN` → `open`. */
function stateName(state: string): string {
  return state.replace(/^STREAM_STATE_/, '').toLowerCase();
}

function toStreamSample(s: StreamInfoMessage): StreamSample {
  return {
    streamId: s.stream_id,
    table: s.table,
    principalId: s.principal_id,
    kind: KINDS[s.kind] ?? 'ephemeral',
    state: stateName(s.state),
    startedAt: Number(s.started_at_ms),
    records: Number(s.records),
    bytes: Number(s.bytes),
    errors: Number(s.errors),
    ackedOffset: String(s.acked_offset),
    ackP50Ms: s.ack_latency_p50_ms ?? null,
    ackP99Ms: s.ack_latency_p99_ms ?? null,
    inFlightBytes: Number(s.inflight_bytes),
  };
}

function toEndedRecord(s: EndedStreamMessage): EndedStreamRecord {
  return {
    seq: Number(s.seq),
    streamId: s.stream_id,
    kind: KINDS[s.kind] ?? 'ephemeral',
    table: s.table,
    principalId: s.principal_id,
    credentialId: s.credential_id,
    startedAt: Number(s.started_at_ms),
    endedAt: Number(s.ended_at_ms),
    records: Number(s.records),
    bytes: Number(s.bytes),
    ackedOffset: String(s.acked_offset),
    status: s.status,
    message: s.message,
    revoked: s.revoked === true,
  };
}

function toPublishSample(t: TablePublishInfoMessage): TablePublishSample {
  const version = Number(t.last_committed_version);
  const at = Number(t.last_commit_at_ms);
  return {
    table: t.table,
    oldestUnpublishedAgeMs: Number(t.oldest_unpublished_age_ms),
    unpublishedRecords: Number(t.unpublished_records),
    unpublishedBytes: Number(t.unpublished_bytes),
    lastCommittedVersion: version < 0 ? null : version,
    lastCommitAt: at === 0 ? null : at,
    timeToTableP99Ms: t.time_to_table_p99_ms ?? null,
  };
}

/** A node's answer as a sample (an older node lists no `tables`). */
function toNodeSample(identity: NodeIdentity, at: number, response: ListStreamsResponse): NodeSample {
  return {
    ...identity,
    at,
    reachable: true,
    error: null,
    streams: response.streams.map(toStreamSample),
    tables: response.tables.map(toPublishSample),
    ...failuresOf(response),
  };
}

/** The node's failure counters, when it reports them (a node older than the field sends neither). */
function failuresOf(response: ListStreamsResponse): Pick<NodeSample, 'failures' | 'startedAt'> {
  const startedAt = Number(response.node_started_at_ms ?? 0);
  if (startedAt === 0) return {};
  const failures = new Map<string, number>();
  for (const f of response.failures ?? []) failures.set(f.table, Number(f.failed_streams));
  return { failures, startedAt };
}

interface NodeEntry {
  readonly config: KnownNode;
  client: AdminClient | undefined;
  /** The node's id: registered with it, or asked once per connection (GetStatus) of a static node. */
  nodeId: string | null;
  /** How far the node's ended streams were read: its start and the last seq stored. */
  ended: { startedAt: number; seq: number } | undefined;
}

/** Who a node is, as its samples and the live view name it. */
function identityOf(entry: NodeEntry): NodeIdentity {
  return {
    address: entry.config.address,
    nodeId: entry.nodeId,
    endpoint: entry.config.endpoint ?? null,
    registered: entry.config.registered,
  };
}

/**
 * A sampler of the nodes of `options` (static and registered, re-read before each sampling: a node that left
 * is no longer sampled, a new one is): every `intervalMs` each node's admin `ListStreams` (all at once, each within
 * `callTimeoutMs`), one `Tick` per sampling (see `computeTick`), kept in a ring of 15 minutes. Samplings never
 * overlap: a slow node delays the next one, and rates divide by the real time between answers. A failed call
 * marks the node unreachable with the error in words and drops its client (reconnected next time, re-reading
 * its secret file). With no nodes configured and none to discover it samples nothing.
 */
export function createStreamSampler(options: StreamSamplerOptions): StreamSampler {
  const { intervalMs } = options;
  const timeoutMs = options.callTimeoutMs ?? 5000;
  const log = options.log ?? (() => {});
  const roster = createNodeRoster<NodeEntry>({
    nodes: options.nodes,
    discover: options.discover,
    open: (config) => ({ config, client: undefined, nodeId: config.nodeId ?? null, ended: undefined }),
    // Samplings never overlap and the roster is refreshed between them: no call of this client is under way.
    forget: (gone) => gone.client?.close(),
    log,
  });
  const history = options.history;

  /**
   * Reads the node's ended streams after the cursor into `history` (a few pages at most; the rest next
   * time). A node that restarted numbers from 1 again: the cursor is then the store's for the new start.
   * A node older than `ListEndedStreams` answers UNIMPLEMENTED: nothing is read, the sampling goes on.
   */
  const readEnded = async (entry: NodeEntry, client: AdminClient, startedAt: number): Promise<void> => {
    if (history === undefined || startedAt === 0) return;
    const address = entry.config.address;
    if (entry.ended?.startedAt !== startedAt)
      entry.ended = { startedAt, seq: await history.cursor(address, startedAt) };
    for (let page = 0; page < ENDED_PAGES_PER_SAMPLING; page++) {
      const response = await withTimeout(
        client.listEndedStreams(entry.ended.seq, ENDED_PAGE),
        timeoutMs,
        `ListEndedStreams of ${address}`,
      );
      const streams = response.streams.map(toEndedRecord);
      if (streams.length > 0) {
        await history.record(address, startedAt, streams);
        entry.ended.seq = streams.at(-1)!.seq;
      }
      if (streams.length < ENDED_PAGE) return;
    }
  };
  // Enough ticks for the longest window at full speed, and one more for its first difference.
  const capacity = Math.ceil(HISTORY_MS / intervalMs) + 1;
  const ring: (Tick | undefined)[] = new Array(capacity);
  let count = 0;
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;
  /** Samplings run one after another, whoever asks for them. */
  let queue = Promise.resolve();

  const ticks = (): Tick[] => {
    const out: Tick[] = [];
    for (let i = count; i > 0; i--) out.push(ring[(next - i + capacity) % capacity]!);
    return out;
  };

  const sampleNode = async (entry: NodeEntry): Promise<NodeSample> => {
    const address = entry.config.address;
    try {
      if (entry.client === undefined) {
        entry.client = await options.connect(entry.config);
        if (!entry.config.registered) {
          const status = await withTimeout(entry.client.getStatus(), timeoutMs, `GetStatus of ${address}`);
          entry.nodeId = status.node_id || null;
        }
      }
      const client = entry.client;
      const response = await withTimeout(client.listStreams(), timeoutMs, `ListStreams of ${address}`);
      const sample = toNodeSample(identityOf(entry), Date.now(), response);
      await readEnded(entry, client, Number(response.node_started_at_ms ?? 0)).catch((error: unknown) =>
        log('reading ended streams failed', { node: address, error: describeAdminError(error) }),
      );
      return sample;
    } catch (error) {
      entry.client?.close();
      entry.client = undefined;
      return {
        ...identityOf(entry),
        at: Date.now(),
        reachable: false,
        error: describeAdminError(error, address),
        streams: [],
        tables: [],
      };
    }
  };

  const sampleOnce = async (): Promise<void> => {
    if (closed) return;
    await roster.refresh();
    const entries = roster.entries();
    if (entries.length === 0 && !roster.dynamic) return;
    const t = Date.now();
    const nodes = await Promise.all(entries.map(sampleNode));
    if (closed) return;
    const previous = count === 0 ? undefined : ring[(next - 1 + capacity) % capacity];
    const tick = computeTick(previous, t, nodes);
    ring[next] = tick;
    next = (next + 1) % capacity;
    count = Math.min(count + 1, capacity);
    await options.metrics
      ?.record(tick)
      .catch((error: unknown) => log('storing chart history failed', { error: describeAdminError(error) }));
  };

  const sample = (): Promise<void> => {
    queue = queue.then(sampleOnce).catch((error: unknown) => {
      log('stream sampling failed', { error: describeAdminError(error) });
    });
    return queue;
  };

  const loop = () => {
    const started = Date.now();
    running = sample().finally(() => {
      running = undefined;
      if (closed) return;
      timer = setTimeout(loop, Math.max(0, started + intervalMs - Date.now()));
      timer.unref();
    });
  };

  const sampler: StreamSampler = {
    intervalMs,
    sample,
    view: (windowSeconds, table) =>
      liveView(ticks(), {
        windowSeconds,
        table,
        intervalMs,
        nodes: roster.entries().map(identityOf),
        now: Date.now(),
      }),
    start() {
      if (timer !== undefined || running !== undefined || closed) return;
      if (options.nodes.length === 0 && !roster.dynamic) return;
      loop();
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      await queue; // the sampling under way, the timer's or a caller's
      await options.metrics
        ?.flush()
        .catch((error: unknown) => log('storing chart history failed', { error: describeAdminError(error) }));
      for (const e of roster.entries()) e.client?.close();
    },
    [Symbol.asyncDispose]: () => sampler.close(),
  };
  return sampler;
}
