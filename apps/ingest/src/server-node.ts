import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createParquetPool, type EncoderMemory, type ParquetPool } from '@lakestream/delta';
import { BacklogBound } from './admission/backlog-bound.js';
import { ByteBudget } from './admission/byte-budget.js';
import { PRIVATE_DIR_MODE } from './base/file-modes.js';
import { silentLog } from './base/log.js';
import { readOrCreateNodeId } from './base/node-id.js';
import { readOrCreateWalIncarnation } from './base/wal-incarnation.js';
import { INGEST_NODE_DEFAULTS } from './config/node-defaults.js';
import { openDescriptorStore } from './decode/descriptor-store.js';
import { LeaseStore } from './handoff/lease-store.js';
import { StreamHandoff } from './handoff/stream-handoff.js';
import type { LoadThresholds } from './load/node-load.js';
import { type ShedOptions, startStreamShedder } from './load/stream-shedder.js';
import { removeNodeTempFiles } from './maintenance/node-temp-files.js';
import {
  type OrphanCleanupMetrics,
  type OrphanCleanupOptions,
  startOrphanCleanup,
} from './maintenance/orphan-cleanup.js';
import { assessHealth, type NodeHealth } from './node-health.js';
import { createIngestPipeline, type IngestPipeline } from './pipeline/ingest-pipeline.js';
import { PersistentStreams } from './pipeline/persistent-streams.js';
import { createPublisherSet, type PublisherSet } from './publish/publisher-set.js';
import type { DataFileOptions } from './publish/table-publisher.js';
import type { WriterIdentity } from './publish/txn-app-id.js';
import { HeldEntries } from './recovery/held-entries.js';
import { PublishedMark } from './recovery/published-mark.js';
import { type BacklogReplay, startBacklogReplay } from './recovery/replay-backlog.js';
import {
  type HeldAction,
  type HeldDecision,
  type HeldSelection,
  resolveHeld,
} from './recovery/resolve-held.js';
import { restoreStreams, type WalBacklog } from './recovery/restore-streams.js';
import { type IngestServer, type IngestServerOptions, startIngestServer } from './server/ingest-server.js';
import type { LiveStreams } from './stream/live-streams.js';
import type { StreamMetrics } from './stream/stream-context.js';
import { openWal } from './wal/open-wal.js';
import type { WalOptions } from './wal/wal.js';

/** How long a stopping node keeps trying to release its persistent streams (a slow store): then they wait for its next start. */
const HANDOFF_CLOSE_MS = 10_000;

/** Options of {@link openIngestNode}: the server's (`IngestServerOptions`), then the node's own. */
export interface IngestNodeOptions extends Omit<IngestServerOptions, 'pipeline' | 'handoff' | 'metrics'> {
  /** Holds `wal/`, `descriptors/`, `streams.json`, `node-id` and relative table locations. */
  readonly dataDir: string;
  /** Memory held by requests read and not yet published, across the node (see `RequestHolds`; default 1 GiB). */
  readonly nodeBufferBytes?: number | undefined;
  /** Publish a table once this many bytes wait (default 128 MiB)… */
  readonly flushBytes?: number | undefined;
  /** Decoded bytes the WAL replay at start may hold unpublished, beside `nodeBufferBytes` (default 2 × flushBytes). */
  readonly recoveryBufferBytes?: number | undefined;
  /** …or its oldest batch is this old (default 1000 ms). */
  readonly flushMs?: number | undefined;
  /**
   * Wanted longest ack → visible delay under load (default 2000; 0: off): the backlog is bounded to this × the
   * measured publish rate, at least 2 × `flushBytes` (`BacklogBound`), below `nodeBufferBytes` — which alone
   * bounds it while publishing fails.
   */
  readonly maxVisibleDelayMs?: number | undefined;
  readonly wal?: WalOptions | undefined;
  /** The quarantine Delta table for held entries an operator keeps (default `<dataDir>/quarantine`). */
  readonly quarantineDir?: string | undefined;
  /** WAL directory (default `<dataDir>/wal`). */
  readonly walDir?: string | undefined;
  /** Parquet encoder threads (default: available cores). */
  readonly parquetWorkers?: number | undefined;
  /** How the data files are encoded (default snappy, no footer statistics; see `--parquet-compression`). */
  readonly parquet?: DataFileOptions | undefined;
  /** This node's id in `txn.appId` (default: kept in `<dataDir>/node-id`, created once; `readOrCreateNodeId`). */
  readonly nodeId?: string | undefined;
  /** Test hook: awaited before every Delta commit (a stalled disk). */
  readonly beforeCommit?: ((table: string) => Promise<void>) | undefined;
  /** Prometheus metrics of the data path (`createMetrics()`); optional. */
  readonly metrics?: NodeMetrics | undefined;
  /** Removing crash leftovers from the tables published to (`startOrphanCleanup`; default hourly, 7 days old). */
  readonly orphanCleanup?: OrphanCleanupOptions | undefined;
  /** Load thresholds over which new streams are refused (`NodeLoad`; defaults `INGEST_NODE_DEFAULTS.busy*`). */
  readonly busy?: Partial<LoadThresholds> | undefined;
  /** Shedding streams while over a threshold (`startStreamShedder`; defaults `INGEST_NODE_DEFAULTS.shed*`). */
  readonly shed?: Partial<ShedOptions> | undefined;
}

/** The metrics the data path updates: the stream counters plus publishing. */
export interface NodeMetrics extends StreamMetrics, OrphanCleanupMetrics {
  readonly publishLag: { observe(labels: { table: string }, value: number): void };
  readonly commits: { inc(labels: { table: string }, value: number): void };
  readonly commitRetries: { inc(labels: { table: string }, value: number): void };
  readonly commitsDiscarded: { inc(labels: { table: string }, value: number): void };
  readonly publishFailures: { inc(labels: { table: string }, value: number): void };
  readonly walFsyncLatency: { observe(value: number): void };
  readonly streamsShed: { inc(value: number): void };
  readonly streamHandoffs: { inc(labels: { event: 'taken' | 'released' }, value: number): void };
}

/** A running ingest node (the data path: server, WAL, publishers). */
export interface IngestNode extends AsyncDisposable {
  readonly port: number;
  readonly nodeId: string;
  /** The node id and its WAL's incarnation: what its commits' `txn.appId` name (`tableAppId`). */
  readonly writer: WriterIdentity;
  readonly server: IngestServer;
  readonly live: LiveStreams;
  readonly pipeline: IngestPipeline;
  readonly publishers: PublisherSet;
  /** What each Parquet encoder thread holds (parquet-wasm memory, V8 heap), as of its latest file. */
  encoderMemory(): readonly EncoderMemory[];
  /** What the WAL held at start (replayed while the node serves). */
  readonly backlog: WalBacklog;
  /** The replay of that backlog: `recovery.done` resolves once every entry of it was handed on. */
  readonly recovery: BacklogReplay;
  /** Acked entries recovery could not publish, kept in the WAL until an operator decides. */
  readonly held: HeldEntries;
  /** An operator's decision on held entries: discard them, or publish them to the quarantine table. */
  resolveHeld(selection: HeldSelection, action: HeldAction): Promise<HeldDecision>;
  /** Where the quarantine table lives. */
  readonly quarantineDir: string;
  /** `ok`, `degraded` (serving, but something needs attention: the reasons say what) or `failed`. */
  health(): NodeHealth;
  /**
   * Stops in order: drain the streams (`close_stream_signal{drainMs}`), last acks, publish what is durable,
   * fsync and close the WAL, stop the encoders. `drainMs` defaults to `INGEST_NODE_DEFAULTS.drainGraceMs`.
   */
  close(drainMs?: number): Promise<void>;
}

/**
 * Opens the data path of an ingest node: removes the temp files a crash left among its state files, opens the
 * WAL (recovering a torn tail) with persistent-stream state brought up to date from it (`restoreStreams`),
 * descriptor store, publishers; starts the gRPC server, then replays the WAL backlog into the tables while
 * serving (`startBacklogReplay`: a node whose table store is down still starts, acks from the WAL and reports
 * itself degraded until it can publish again) and removes crash leftovers from the tables it publishes to in
 * the background (`startOrphanCleanup`).
 */
export async function openIngestNode(options: IngestNodeOptions): Promise<IngestNode> {
  const log = options.log ?? silentLog;
  const dataDir = options.dataDir;
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await removeNodeTempFiles(dataDir, log, options.metrics);
  const nodeId = options.nodeId ?? readOrCreateNodeId(dataDir).nodeId;
  const fsyncLatency = options.metrics?.walFsyncLatency;
  const persistent = await PersistentStreams.load(join(dataDir, 'streams.json'));
  const restorer = restoreStreams(persistent);
  const opening = performance.now();
  const walDir = options.walDir ?? join(dataDir, 'wal');
  const wal = await openWal(walDir, {
    ...options.wal,
    ...(fsyncLatency && { onFsync: (seconds: number) => fsyncLatency.observe(seconds) }),
    onRecoveredEntry: restorer.onRecoveredEntry,
  });
  let writer: WriterIdentity;
  try {
    const { incarnation, created } = readOrCreateWalIncarnation(walDir, wal.nextPosition);
    writer = { nodeId, incarnation };
    if (created !== undefined) log.info({ nodeId, incarnation: incarnation.id }, created);
  } catch (err) {
    await wal.close();
    throw err;
  }
  const backlog = restorer.backlog(wal);
  const openMs = Math.round(performance.now() - opening);
  const descriptors = await openDescriptorStore(join(dataDir, 'descriptors'));
  const held = await HeldEntries.load(join(dataDir, 'held.json'));
  const lost = await held.forgetBelow(wal.oldestPosition);
  if (lost.length > 0)
    log.warn(
      { positions: lost.map((e) => e.position.toString()), walOldest: wal.oldestPosition.toString() },
      'held.json listed entries the WAL no longer holds (they cannot be published or quarantined): forgotten',
    );
  const mark = await PublishedMark.load(join(dataDir, 'published.json'), wal, log);
  const quarantineDir = options.quarantineDir ?? join(dataDir, 'quarantine');
  const flushBytes = options.flushBytes ?? INGEST_NODE_DEFAULTS.flushBytes;
  const maxVisibleDelayMs = options.maxVisibleDelayMs ?? INGEST_NODE_DEFAULTS.maxVisibleDelayMs;
  const backlogBound =
    maxVisibleDelayMs > 0 ? new BacklogBound({ maxVisibleDelayMs, floorBytes: 2 * flushBytes }) : undefined;
  const nodeBudget = new ByteBudget(
    options.nodeBufferBytes ?? INGEST_NODE_DEFAULTS.nodeBufferBytes,
    backlogBound,
  );
  log.info(
    {
      nodeId,
      incarnation: writer.incarnation.id,
      ...backlog,
      from: backlog.from.toString(),
      to: backlog.to.toString(),
      held: held.size,
      walRecovery: wal.recovery,
      openMs,
    },
    'WAL read: persistent streams restored; replaying the backlog while serving',
  );
  const pool: ParquetPool = createParquetPool(
    options.parquetWorkers === undefined ? {} : { workers: options.parquetWorkers },
  );
  const publishers = createPublisherSet({
    wal,
    dataDir,
    tableNamed: (name) => options.catalog.current().table(name),
    writer,
    pool,
    parquet: options.parquet,
    flushBytes,
    flushMs: options.flushMs ?? INGEST_NODE_DEFAULTS.flushMs,
    held,
    beforeTrim: async (upTo) => {
      await persistent.save();
      await mark.save(upTo);
    },
    onPublishedBelow: (position) => mark.advance(position),
    onError: (table, err) => {
      // A failing store, not a slow one: the backlog bound yields to the budget (the WAL absorbs the outage).
      backlogBound?.publishFailed(table);
      nodeBudget.boundRaised();
      options.metrics?.publishFailures.inc({ table }, 1);
      log.error({ table, err }, 'publishing failed; retrying with backoff (the WAL keeps the records)');
    },
    onCommitRetried: (table, version, retries) => {
      options.metrics?.commitRetries.inc({ table }, retries);
      log.info({ table, version, retries }, 'commit landed after losing races to other writers of the table');
    },
    onIdentityConflict: (table, d) => {
      options.metrics?.commitsDiscarded.inc({ table }, 1);
      log.error(
        {
          table,
          appId: d.appId,
          version: d.version?.toString(),
          foundVersion: d.foundVersion.toString(),
          tableVersion: d.tableVersion,
        },
        d.error.message,
      );
    },
    onTrimError: (err) =>
      log.error(
        { err },
        'WAL trim failed; tried again after the next commit (nothing is lost: the WAL keeps more)',
      ),
    beforeCommit: options.beforeCommit,
    onCommitted: (table, latenciesMs) => {
      backlogBound?.committed(table);
      const m = options.metrics;
      if (m === undefined) return;
      m.commits.inc({ table }, 1);
      for (const ms of latenciesMs) m.publishLag.observe({ table }, ms / 1000);
    },
  });
  const pipeline = createIngestPipeline({
    wal,
    descriptors,
    publishers,
    persistent,
    nodeBudget,
    backlog: backlogBound,
    onWalFailure: (err) => log.error({ err }, 'the WAL failed: no more acks; restart the node'),
  });
  const handoff = new StreamHandoff({
    persistent,
    leases: new LeaseStore(dataDir),
    publishers,
    writer,
    appendControl: (entry) => pipeline.appendControl(entry),
    tableNamed: (name) => options.catalog.current().table(name),
    failed: () => pipeline.failure !== undefined,
    log,
    onHandoff: (event) => options.metrics?.streamHandoffs.inc({ event }, 1),
  });
  let server: IngestServer;
  try {
    server = await startIngestServer({
      pipeline,
      handoff,
      catalog: options.catalog,
      authenticator: options.authenticator,
      host: options.host,
      port: options.port,
      limits: options.limits,
      endedStreams: options.endedStreams,
      log,
      metrics: options.metrics,
      streamWindowBytes: options.streamWindowBytes,
      connectionWindowBytes: options.connectionWindowBytes,
      connectionPrefaceTimeoutMs: options.connectionPrefaceTimeoutMs,
      load: {
        thresholds: loadThresholds(options.busy),
        inflight: () => nodeBudget,
        walBacklogBytes: () => publishers.pendingBytes,
      },
    });
  } catch (err) {
    await publishers.close();
    await pool.close();
    await wal.close();
    throw err;
  }
  const recovery = startBacklogReplay({
    wal,
    backlog,
    descriptors,
    publishers,
    held,
    catalog: options.catalog,
    publishedBelow: mark.below,
    memoryBytes: options.recoveryBufferBytes ?? 2 * flushBytes,
    log,
  });
  void recovery.done.then((report) => handoff.recoveryEnded(report.done));
  const cleanup = startOrphanCleanup({
    dataDir,
    catalog: options.catalog,
    tables: () => publishers.publishInfo().map((p) => p.table),
    log,
    metrics: options.metrics,
    options: options.orphanCleanup,
    startAfter: recovery.done,
  });
  const shedder = startStreamShedder(
    server.load!,
    server.live,
    {
      intervalMs: options.shed?.intervalMs ?? INGEST_NODE_DEFAULTS.shedIntervalMs,
      streamsPerInterval: options.shed?.streamsPerInterval ?? INGEST_NODE_DEFAULTS.shedStreams,
      graceMs: options.shed?.graceMs ?? INGEST_NODE_DEFAULTS.drainGraceMs,
    },
    { log, onShed: (count) => options.metrics?.streamsShed.inc(count) },
  );
  let closing: Promise<void> | undefined;
  const close = (drainMs: number = INGEST_NODE_DEFAULTS.drainGraceMs): Promise<void> => {
    closing ??= (async () => {
      shedder.stop();
      await cleanup.close();
      await server.close(drainMs);
      await recovery.close();
      try {
        if (pipeline.failure === undefined) await publishers.flushAll();
      } catch (err) {
        log.error({ err }, 'final publish failed; the WAL keeps the records for the next start');
      }
      await handoff.close(HANDOFF_CLOSE_MS);
      await persistent.save();
      await mark.close();
      await wal.close();
      await publishers.close();
      await pool.close();
      log.info({ nodeId }, 'ingest node stopped');
    })();
    return closing;
  };
  return {
    port: server.port,
    nodeId,
    writer,
    server,
    live: server.live,
    pipeline,
    publishers,
    encoderMemory: () => pool.memory(),
    backlog,
    recovery,
    held,
    quarantineDir,
    resolveHeld: (selection, action) =>
      resolveHeld(
        { wal, held, publishers, pool, writer, quarantineLocation: quarantineDir, log },
        selection,
        action,
      ),
    health: () =>
      assessHealth({
        walFailure: pipeline.failure,
        replay: recovery.report(),
        publishing: publishers.publishInfo(),
        held: held.list(),
      }),
    close,
    async [Symbol.asyncDispose]() {
      await close(1000);
    },
  };
}

/** The load thresholds `busy` sets, the defaults (`INGEST_NODE_DEFAULTS`) for the others. */
function loadThresholds(busy: Partial<LoadThresholds> | undefined): LoadThresholds {
  return {
    streams: busy?.streams ?? INGEST_NODE_DEFAULTS.busyStreams,
    inflightFraction: busy?.inflightFraction ?? INGEST_NODE_DEFAULTS.busyInflightFraction,
    walBacklogBytes: busy?.walBacklogBytes ?? INGEST_NODE_DEFAULTS.busyWalBacklogBytes,
  };
}
