import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { StreamRegistry } from '../admin/stream-registry.js';
import type { CatalogSource } from '../catalog/catalog-view.js';
import type { NodeLoad } from '../load/node-load.js';
import type { NodeHealth } from '../node-health.js';
import { registerLoadGauges } from './load-gauges.js';

/** Ack latency buckets (seconds): 0.5 ms to 5 s. Zerobus's published durable-ack median is 150–200 ms. */
export const ACK_LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
/** WAL fsync buckets (seconds): 100 µs (NVMe) to 1 s (a struggling network disk). */
export const FSYNC_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
];
/** Publish lag buckets (seconds, ack → visible in Delta): Zerobus promises a queryable median ≤ 5 s. */
export const PUBLISH_LAG_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300];

/**
 * The node's Prometheus metrics (all named `lakestream_*`), in their own registry. Labels stay bounded:
 * per table, per error code, per stream kind; the per-stream series (`lakestream_stream_*`, at most
 * `--max-streams` of them) are read from the stream registry at each scrape, so a closed stream's series
 * disappear with it instead of piling up.
 */
export interface IngestMetrics {
  readonly registry: Registry;
  /** Records accepted from producers (decoded, before the WAL). */
  readonly recordsReceived: Counter<'table'>;
  /** Payload bytes accepted from producers. */
  readonly bytesReceived: Counter<'table'>;
  /** Ack messages sent (`durability_ack_up_to_offset`). */
  readonly acks: Counter<'table'>;
  /** Records covered by the acks sent. */
  readonly recordsAcked: Counter<'table'>;
  /** Request received → its ack sent, seconds. */
  readonly ackLatency: Histogram<'table'>;
  /** One WAL fsync (group commit), seconds. */
  readonly walFsyncLatency: Histogram;
  /** Ack sent → the record visible in a Delta commit, seconds. */
  readonly publishLag: Histogram<'table'>;
  /** Delta commits made. */
  readonly commits: Counter<'table'>;
  /** Races lost to other writers before a commit landed (each retried at the next version). */
  readonly commitRetries: Counter<'table'>;
  /** Publishes refused because another writer commits under this node's `txn.appId` (the table stops). */
  readonly commitsDiscarded: Counter<'table'>;
  /** Calls or requests that failed, by gRPC status name (`INVALID_ARGUMENT`, `UNAUTHENTICATED`…). */
  readonly errors: Counter<'code'>;
  /** Live streams. Read from the stream registry at each scrape once one is attached; else set by hand. */
  readonly streams: Gauge<'table' | 'kind'>;
  /** Bytes read and not yet published, across the node. */
  readonly inflightBytes: Gauge;
  /** Version of the catalog snapshot in force (read at each scrape once a catalog is attached). */
  readonly catalogVersion: Gauge;
  /** Crash leftovers removed, by kind: `data`, `temp` (tables'), `state_temp` (the node's own state files). */
  readonly orphanFilesRemoved: Counter<'kind'>;
  /** Their bytes. */
  readonly orphanBytesRemoved: Counter<'kind'>;
  /** Reads the live streams at each scrape: `lakestream_streams` and the `lakestream_stream_*` series. */
  attachStreams(streams: StreamRegistry): void;
  /** Failed publish attempts (each is retried with backoff; the WAL keeps the records). */
  readonly publishFailures: Counter<'table'>;
  /** Reads the catalog version at each scrape. */
  attachCatalog(catalog: CatalogSource): void;
  /**
   * Reads the node's health at each scrape: `lakestream_node_health{state}` (1 for the state in force),
   * `lakestream_recovery_remaining_entries`, `lakestream_held_entries{table}`, `lakestream_publish_failing{table}`.
   */
  attachHealth(health: () => NodeHealth): void;
  /** Streams a node over a load threshold sent `close_stream_signal` to (`startStreamShedder`). */
  readonly streamsShed: Counter;
  /** Persistent streams this node took from another holder (`taken`) or let go once published (`released`). */
  readonly streamHandoffs: Counter<'event'>;
  /** Reads the node's load at each scrape: `lakestream_node_busy{reason}`, `lakestream_busy_threshold{reason}`. */
  attachLoad(load: NodeLoad): void;
}

/** Options of `createMetrics`. */
export interface MetricsOptions {
  /** Also collect Node's process metrics (`process_*`, `nodejs_*`: CPU, memory, event-loop lag). Default true. */
  readonly defaultMetrics?: boolean;
}

/** Creates the node's metrics in a new registry (never the global one, so tests can make several). */
export function createMetrics(options: MetricsOptions = {}): IngestMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let streamRegistry: StreamRegistry | undefined;
  let catalogSource: CatalogSource | undefined;
  let healthSource: (() => NodeHealth) | undefined;
  let loadSource: NodeLoad | undefined;
  registerLoadGauges(registry, () => loadSource);
  // One reading per scrape, shared by the gauges below (each one's collect runs in the same scrape).
  let reading: { at: number; health: NodeHealth } | undefined;
  const readHealth = (): NodeHealth | undefined => {
    if (healthSource === undefined) return undefined;
    const now = performance.now();
    if (reading === undefined || now - reading.at > 100) reading = { at: now, health: healthSource() };
    return reading.health;
  };

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ) => new Histogram<L>({ name, help, labelNames, buckets, registers });

  const streams = new Gauge<'table' | 'kind'>({
    name: 'lakestream_streams',
    help: 'Live streams, by table and kind (ephemeral, persistent).',
    labelNames: ['table', 'kind'],
    registers,
    collect() {
      if (streamRegistry === undefined) return;
      streams.reset();
      for (const s of streamRegistry.list()) streams.inc({ table: s.table, kind: s.kind });
    },
  });

  const perStream = (
    name: string,
    help: string,
    read: (s: ReturnType<StreamRegistry['list']>[number]) => number,
  ) => {
    const gauge: Gauge<'stream_id' | 'table'> = new Gauge({
      name,
      help,
      labelNames: ['stream_id', 'table'],
      registers,
      collect() {
        gauge.reset();
        for (const s of streamRegistry?.list() ?? [])
          gauge.set({ stream_id: s.streamId, table: s.table }, read(s));
      },
    });
    return gauge;
  };
  perStream('lakestream_stream_records', 'Records received on a live stream.', (s) => s.records);
  perStream('lakestream_stream_bytes', 'Payload bytes received on a live stream.', (s) => s.bytes);
  perStream('lakestream_stream_acked_offset', 'Highest acked offset of a live stream (-1: none yet).', (s) =>
    Number(s.ackedOffset),
  );
  perStream(
    'lakestream_stream_inflight_bytes',
    'Bytes read and not yet acked on a live stream.',
    (s) => s.inFlightBytes,
  );

  const catalogVersion: Gauge = new Gauge({
    name: 'lakestream_catalog_version',
    help: 'Version of the provisioned catalog snapshot in force (0: never provisioned).',
    registers,
    collect() {
      if (catalogSource !== undefined) catalogVersion.set(catalogSource.current().version);
    },
  });

  const nodeHealth: Gauge<'state'> = new Gauge({
    name: 'lakestream_node_health',
    help: 'The node health state in force: 1 for it, 0 for the others (ok, degraded: serving but needs attention, failed: acks nothing more).',
    labelNames: ['state'],
    registers,
    collect() {
      const h = readHealth();
      if (h === undefined) return;
      for (const state of ['ok', 'degraded', 'failed'] as const)
        nodeHealth.set({ state }, h.state === state ? 1 : 0);
    },
  });
  const recoveryRemaining: Gauge = new Gauge({
    name: 'lakestream_recovery_remaining_entries',
    help: 'Entries of the WAL backlog found at start that the replay has still to hand on.',
    registers,
    collect() {
      const h = readHealth();
      if (h !== undefined) recoveryRemaining.set(h.recoveryRemaining);
    },
  });
  const heldEntries: Gauge<'table'> = new Gauge({
    name: 'lakestream_held_entries',
    help: 'Acked WAL entries that cannot be published, held until an operator decides (lakestream-ingest held).',
    labelNames: ['table'],
    registers,
    collect() {
      const h = readHealth();
      if (h === undefined) return;
      heldEntries.reset();
      for (const [table, n] of Object.entries(h.held)) heldEntries.set({ table }, n);
    },
  });
  const publishFailing: Gauge<'table'> = new Gauge({
    name: 'lakestream_publish_failing',
    help: 'Tables whose publishing fails now (1), retried with backoff while the WAL keeps the records.',
    labelNames: ['table'],
    registers,
    collect() {
      const h = readHealth();
      if (h === undefined) return;
      publishFailing.reset();
      for (const table of h.failingTables) publishFailing.set({ table }, 1);
    },
  });

  return {
    registry,
    recordsReceived: counter('lakestream_records_received_total', 'Records accepted from producers.', [
      'table',
    ]),
    bytesReceived: counter('lakestream_bytes_received_total', 'Payload bytes accepted from producers.', [
      'table',
    ]),
    acks: counter('lakestream_acks_total', 'Ack messages sent (durability_ack_up_to_offset).', ['table']),
    recordsAcked: counter('lakestream_records_acked_total', 'Records covered by the acks sent.', ['table']),
    ackLatency: histogram(
      'lakestream_ack_latency_seconds',
      'Request received to its durable ack sent.',
      ['table'],
      ACK_LATENCY_BUCKETS,
    ),
    walFsyncLatency: histogram(
      'lakestream_wal_fsync_seconds',
      'Duration of one WAL fsync.',
      [],
      FSYNC_BUCKETS,
    ),
    publishLag: histogram(
      'lakestream_publish_lag_seconds',
      'Ack sent to the record visible in a Delta commit.',
      ['table'],
      PUBLISH_LAG_BUCKETS,
    ),
    commits: counter('lakestream_commits_total', 'Delta commits made.', ['table']),
    commitRetries: counter(
      'lakestream_commit_retries_total',
      'Commit races lost to other writers of the table (each commit retried at the next version).',
      ['table'],
    ),
    commitsDiscarded: counter(
      'lakestream_commits_discarded_total',
      "Commits discarded (or found about to be) because another writer commits under this node's txn appId; publishing to the table stops and the WAL keeps its records.",
      ['table'],
    ),
    publishFailures: counter(
      'lakestream_publish_failures_total',
      'Failed publish attempts (retried with backoff; the WAL keeps the records).',
      ['table'],
    ),
    errors: counter('lakestream_errors_total', 'Failed calls or requests, by gRPC status name.', ['code']),
    streams,
    inflightBytes: new Gauge({
      name: 'lakestream_inflight_bytes',
      help: 'Bytes read and not yet published, across the node.',
      registers,
    }),
    catalogVersion,
    orphanFilesRemoved: counter(
      'lakestream_orphan_files_removed_total',
      'Crash leftovers removed: data files no table version references, temp files of tables and of the node.',
      ['kind'],
    ),
    orphanBytesRemoved: counter(
      'lakestream_orphan_bytes_removed_total',
      'Bytes of the crash leftovers removed.',
      ['kind'],
    ),
    attachStreams(registryOfStreams) {
      streamRegistry = registryOfStreams;
    },
    attachCatalog(catalog) {
      catalogSource = catalog;
    },
    attachHealth(health) {
      healthSource = health;
    },
    streamsShed: counter(
      'lakestream_streams_shed_total',
      'Streams a node over a load threshold sent close_stream_signal to, so they reconnect to another node.',
      [],
    ),
    streamHandoffs: counter(
      'lakestream_stream_handoffs_total',
      'Persistent streams this node took over after another holder released them (event="taken") or released once every record it acked was committed (event="released").',
      ['event'],
    ),
    attachLoad(load) {
      loadSource = load;
    },
  };
}
