import { ORPHAN_CLEANUP_DEFAULTS } from '../maintenance/orphan-cleanup.js';
import { DEFAULT_DATA_FILE_OPTIONS } from '../publish/table-publisher.js';
import {
  ABUSE_TIMEOUTS,
  defaultStreamsPerPrincipal,
  MAX_DECOMPRESSION_FACTOR,
} from '../stream/abuse-limits.js';
import { DEFAULT_ENDED_STREAMS } from '../stream/ended-streams.js';
import { DEFAULT_LIMITS } from '../stream/stream-context.js';
import { WAL_DEFAULTS } from '../wal/open-wal.js';
import { INGEST_NODE_DEFAULTS } from './node-defaults.js';
import {
  ADDRESS,
  BOOLEAN,
  bytes,
  COMPRESSION,
  FRACTION,
  formatBytes,
  GiB,
  HOST,
  HTTP_URL,
  integer,
  KiB,
  type Kind,
  LEVEL,
  NODE_ID,
  PATH,
  PORT,
  SECRET,
  STATISTICS,
} from './value-kinds.js';

/*
 * Every option of the node, declared once: its flag, its variable, its kind, its default and what it is for.
 * The defaults are the layers' own (`DEFAULT_LIMITS`, `INGEST_NODE_DEFAULTS`, `WAL_DEFAULTS`, …), so `--help`,
 * README-config.md and a node opened without the option agree.
 */

/** `--max-streams`'s default, which the per-principal limit's default follows. */
const MAX_STREAMS = DEFAULT_LIMITS.maxStreams;

/** One option: its flag, its variable, its kind, its default and what it is for. */
export interface ConfigOption<T = unknown> {
  readonly flag: `--${string}`;
  /** `LAKESTREAM_` + the flag in upper snake case. */
  readonly env: string;
  readonly kind: Kind<T>;
  readonly default: T | undefined;
  /** The default in words, for the docs (`(required)`, `<data-dir>/wal`, `generated`…). */
  readonly defaultDoc: string;
  readonly doc: string;
  /** A switch: `--flag` alone means true. */
  readonly isSwitch?: boolean;
}

function option<T>(
  flag: `--${string}`,
  kind: Kind<T>,
  defaultValue: T | undefined,
  doc: string,
  extra: { defaultDoc?: string; isSwitch?: boolean } = {},
): ConfigOption<T> {
  const env = `LAKESTREAM_${flag.slice(2).replaceAll('-', '_').toUpperCase()}`;
  const defaultDoc = extra.defaultDoc ?? (defaultValue === undefined ? '—' : String(defaultValue));
  return {
    flag,
    env,
    kind,
    default: defaultValue,
    defaultDoc,
    doc,
    ...(extra.isSwitch ? { isSwitch: true } : {}),
  };
}

/** Every option of the node, in documentation order. */
export const CONFIG_OPTIONS = {
  dataDir: option(
    '--data-dir',
    PATH,
    undefined,
    'Data directory: WAL, catalog snapshot, node id, admin secret, relative table locations. Created 0700 (an existing one open to other users gets a warning with the chmod to run).',
    { defaultDoc: '(required)' },
  ),
  host: option(
    '--host',
    HOST,
    '127.0.0.1',
    'Address of the Zerobus gRPC endpoint. Use 0.0.0.0 to serve other machines.',
  ),
  port: option('--port', PORT, 50051, 'Port of the Zerobus gRPC endpoint (0: any free port).'),
  connectionPrefaceTimeoutMs: option(
    '--connection-preface-timeout-ms',
    integer(1, 3_600_000, 'a duration in ms, an integer'),
    ABUSE_TIMEOUTS.connectionPrefaceMs,
    'A TCP connection to the gRPC endpoint that sends no HTTP/2 preface within this long (silent, or not HTTP/2) is closed.',
  ),
  adminHost: option(
    '--admin-host',
    HOST,
    '127.0.0.1',
    'Address of the admin gRPC API (lakestream.admin.v1).',
  ),
  adminPort: option('--admin-port', PORT, 50052, 'Port of the admin gRPC API.'),
  adminSecret: option(
    '--admin-secret',
    SECRET,
    undefined,
    'Bearer secret of the admin API. Prefer the variable or --admin-secret-file: flags show in `ps`.',
    { defaultDoc: 'from --admin-secret-file' },
  ),
  adminSecretFile: option(
    '--admin-secret-file',
    PATH,
    undefined,
    'File holding the admin secret. When absent at the default path, a random secret is generated there (mode 0600) on first start. A file other users may read is refused (exit code 2).',
    { defaultDoc: '<data-dir>/admin-secret' },
  ),
  insecureDevAdmin: option(
    '--insecure-dev-admin',
    BOOLEAN,
    false,
    'Development only: no admin authentication. Allowed only with a loopback --admin-host.',
    { isSwitch: true },
  ),
  metricsHost: option(
    '--metrics-host',
    HOST,
    '127.0.0.1',
    'Address of the Prometheus endpoint (/metrics, /healthz).',
  ),
  metricsPort: option('--metrics-port', PORT, 9464, 'Port of the Prometheus endpoint.'),
  provisioningFile: option(
    '--provisioning-file',
    PATH,
    undefined,
    'Catalog snapshot JSON loaded at start (development, tests); a pushed snapshot of a higher version wins.',
  ),
  nodeId: option(
    '--node-id',
    NODE_ID,
    undefined,
    "This node's id (Delta txn appId, metrics, admin status).",
    { defaultDoc: 'random, kept in <data-dir>/node-id' },
  ),
  logLevel: option('--log-level', LEVEL, 'info', 'Log level (JSON lines on stdout).'),
  maxStreams: option(
    '--max-streams',
    integer(1, 1_000_000),
    MAX_STREAMS,
    'Live streams per node; more are refused with RESOURCE_EXHAUSTED.',
  ),
  maxStreamsPerPrincipal: option(
    '--max-streams-per-principal',
    integer(1, 1_000_000),
    undefined,
    'Live streams (Zerobus and Flight) of one principal per node; more are refused with RESOURCE_EXHAUSTED, so one producer cannot take every slot.',
    { defaultDoc: `a quarter of --max-streams (${defaultStreamsPerPrincipal(MAX_STREAMS)})` },
  ),
  streamHandshakeTimeoutMs: option(
    '--stream-handshake-timeout-ms',
    integer(1, 3_600_000, 'a duration in ms, an integer'),
    ABUSE_TIMEOUTS.streamHandshakeMs,
    'A stream that sends no create_stream / resume_stream (Flight: no schema) within this long ends with DEADLINE_EXCEEDED: it held a stream slot without starting.',
  ),
  streamIdleTimeoutMs: option(
    '--stream-idle-timeout-ms',
    integer(0, 86_400_000, 'a duration in ms, an integer'),
    ABUSE_TIMEOUTS.streamIdleMs,
    'An open stream that sends no request for this long is closed (close_stream_signal, then status OK: the SDK reconnects, nothing is lost); 0: never.',
  ),
  maxRecordBytes: option(
    '--max-record-bytes',
    bytes(1, GiB),
    DEFAULT_LIMITS.maxRecordBytes,
    'Largest single record; larger ones fail the stream with INVALID_ARGUMENT.',
    { defaultDoc: formatBytes(DEFAULT_LIMITS.maxRecordBytes) },
  ),
  maxRequestBytes: option(
    '--max-request-bytes',
    bytes(1, GiB),
    DEFAULT_LIMITS.maxRequestBytes,
    `Largest gRPC request message (a record or a batch) the server accepts; a compressed Arrow batch may declare up to ${MAX_DECOMPRESSION_FACTOR}× this uncompressed.`,
    {
      defaultDoc: `${formatBytes(DEFAULT_LIMITS.maxRecordBytes)} + ${formatBytes(DEFAULT_LIMITS.maxRequestBytes - DEFAULT_LIMITS.maxRecordBytes)}`,
    },
  ),
  streamInflightBytes: option(
    '--stream-inflight-bytes',
    bytes(1, 64 * GiB),
    DEFAULT_LIMITS.streamInFlightBytes,
    'Bytes one stream may have read and not yet acked; beyond it the stream is not read (HTTP/2 flow control).',
    { defaultDoc: formatBytes(DEFAULT_LIMITS.streamInFlightBytes) },
  ),
  nodeInflightBytes: option(
    '--node-inflight-bytes',
    bytes(1, 1024 * GiB),
    INGEST_NODE_DEFAULTS.nodeBufferBytes,
    'Memory held by records read and not yet published, across the node (each request and its WAL copy until durable, its decoded columns until published); beyond it no stream is read.',
    { defaultDoc: formatBytes(INGEST_NODE_DEFAULTS.nodeBufferBytes) },
  ),
  maxVisibleDelayMs: option(
    '--max-visible-delay-ms',
    integer(0, 3_600_000, 'a duration in ms, an integer'),
    INGEST_NODE_DEFAULTS.maxVisibleDelayMs,
    'Wanted longest time from ack to visible under load: streams are held back (HTTP/2 flow control) once the unpublished backlog reaches this × the measured publish rate (at least 2 × --flush-bytes); while publishing fails (the store errs) only --node-inflight-bytes bounds it, so the WAL absorbs the outage; 0: off, only --node-inflight-bytes bounds it.',
  ),
  flushMs: option(
    '--flush-ms',
    integer(1, 3_600_000, 'a duration in ms, an integer'),
    INGEST_NODE_DEFAULTS.flushMs,
    'Publish a table at the latest this long after its oldest unpublished record.',
  ),
  flushBytes: option(
    '--flush-bytes',
    bytes(1, 64 * GiB),
    INGEST_NODE_DEFAULTS.flushBytes,
    'Publish a table once this many bytes (decoded) wait; a backlog is published in commits of about this size.',
    { defaultDoc: formatBytes(INGEST_NODE_DEFAULTS.flushBytes) },
  ),
  parquetCompression: option(
    '--parquet-compression',
    COMPRESSION,
    DEFAULT_DATA_FILE_OPTIONS.compression,
    "Page compression of the Parquet files the node writes: snappy (Spark's default; ~2.5x less CPU per MB than zstd), zstd (smaller files) or none.",
  ),
  parquetStatistics: option(
    '--parquet-statistics',
    STATISTICS,
    DEFAULT_DATA_FILE_OPTIONS.statistics,
    "Column statistics in the Parquet files' footers: none (Delta readers skip files by the min/max/null counts the node always writes into the Delta log; ~30% less Parquet encoding CPU) or chunk (also in each file, for readers of the bare Parquet files).",
  ),
  parquetRowGroupBytes: option(
    '--parquet-row-group-bytes',
    bytes(0, 64 * GiB),
    DEFAULT_DATA_FILE_OPTIONS.rowGroupBytes,
    "Arrow bytes per row group of the Parquet files at most: a file is encoded a row group at a time, so each encoder thread's WebAssembly memory (which never shrinks) is bounded by a row group rather than by a file; 0: each file at once, in one row group.",
    { defaultDoc: formatBytes(DEFAULT_DATA_FILE_OPTIONS.rowGroupBytes) },
  ),
  walDir: option(
    '--wal-dir',
    PATH,
    undefined,
    'WAL directory (put it on the fastest disk with a reliable fsync).',
    { defaultDoc: '<data-dir>/wal' },
  ),
  walSegmentBytes: option(
    '--wal-segment-bytes',
    bytes(64 * KiB, 64 * GiB),
    undefined,
    'Start a new WAL segment file past this size.',
    { defaultDoc: `WAL's (${formatBytes(WAL_DEFAULTS.segmentBytes)})` },
  ),
  walGroupCommitBytes: option(
    '--wal-group-commit-bytes',
    bytes(1, GiB),
    undefined,
    'Group commit: fsync once this many bytes wait…',
    { defaultDoc: `WAL's (${formatBytes(WAL_DEFAULTS.groupCommitBytes)})` },
  ),
  walGroupCommitMs: option(
    '--wal-group-commit-ms',
    integer(0, 10_000, 'a duration in ms, an integer'),
    undefined,
    '…or once the oldest waiting entry is this old (0: as soon as the disk is free).',
    { defaultDoc: `WAL's (${WAL_DEFAULTS.groupCommitMs})` },
  ),
  endedStreams: option(
    '--ended-streams',
    integer(1, 1_000_000),
    DEFAULT_ENDED_STREAMS,
    'Ended streams (status, message, counts) the node remembers for the control plane, which reads them with a cursor (admin ListEndedStreams) and keeps its own history; the oldest are forgotten first.',
  ),
  drainGraceMs: option(
    '--drain-grace-ms',
    integer(0, 3_600_000, 'a duration in ms, an integer'),
    INGEST_NODE_DEFAULTS.drainGraceMs,
    'How long a drain (SIGTERM, admin Drain with grace 0) lets streams finish their acks.',
  ),
  busyStreams: option(
    '--busy-streams',
    integer(0, 1_000_000),
    INGEST_NODE_DEFAULTS.busyStreams,
    'Hot routing: at this many live streams the node refuses new ones with UNAVAILABLE naming the threshold (the SDKs reconnect; a balancer in front picks another node); live streams are never refused. Set it below --max-streams on nodes behind a balancer. 0: off.',
  ),
  busyInflightFraction: option(
    '--busy-inflight-fraction',
    FRACTION,
    INGEST_NODE_DEFAULTS.busyInflightFraction,
    '…or once this share of --node-inflight-bytes is held (the node is already holding its streams back). 0: off.',
  ),
  busyWalBacklogBytes: option(
    '--busy-wal-backlog-bytes',
    bytes(0, 1024 * GiB),
    INGEST_NODE_DEFAULTS.busyWalBacklogBytes,
    '…or once this many acked bytes (decoded) wait to be published: the table store falls behind. 0: off.',
    { defaultDoc: formatBytes(INGEST_NODE_DEFAULTS.busyWalBacklogBytes) },
  ),
  shedIntervalMs: option(
    '--shed-interval-ms',
    integer(0, 3_600_000, 'a duration in ms, an integer'),
    INGEST_NODE_DEFAULTS.shedIntervalMs,
    'Shedding: a node over a busy threshold at two checks this far apart sends close_stream_signal to up to --shed-streams of its newest streams (they ack what they hold and reconnect elsewhere; counted in lakestream_streams_shed_total). Over --busy-streams only the streams above it are shed. 0: never shed (the default: on a lone node shedding only churns; behind a balancer of several nodes try 10000).',
  ),
  shedStreams: option(
    '--shed-streams',
    integer(1, 1_000_000),
    INGEST_NODE_DEFAULTS.shedStreams,
    'Streams shed per --shed-interval-ms at most, the newest first.',
  ),
  controlPlaneUrl: option(
    '--control-plane-url',
    HTTP_URL,
    undefined,
    "The console's URL: the node registers there and sends a heartbeat (endpoint, admin address, load, WAL backlog) every --heartbeat-ms, authenticated by its admin secret; the console lists it and can drain it. Unset: the node is known only if the console lists it (LAKESTREAM_INGEST_NODES). Ingest never waits on it.",
  ),
  advertiseAddress: option(
    '--advertise-address',
    ADDRESS,
    undefined,
    "'host:port' of this node's Zerobus endpoint as producers and the console reach it; its admin address is the same host with --admin-port.",
    { defaultDoc: '--host:--port (a wildcard --host: the machine name)' },
  ),
  heartbeatMs: option(
    '--heartbeat-ms',
    integer(100, 600_000, 'a duration in ms, an integer'),
    INGEST_NODE_DEFAULTS.heartbeatMs,
    `How often the node beats to --control-plane-url; after a failed beat the wait doubles, up to ${INGEST_NODE_DEFAULTS.heartbeatMaxBackoffMs} ms.`,
  ),
  orphanFileAgeMs: option(
    '--orphan-file-age-ms',
    integer(60_000, 365 * 24 * 3_600_000, 'a duration in ms, an integer'),
    ORPHAN_CLEANUP_DEFAULTS.minAgeMs,
    "Crash leftovers in the node's tables (temp files, data files no table version references) are removed once this old. The default is what Delta's VACUUM keeps of untracked files: another engine's job (Spark OPTIMIZE, MERGE) writing the same table commits its files only when it ends. Lower it only when nothing but ingest nodes write the tables, and keep it well above the longest encode + commit under load.",
    {
      defaultDoc: `${ORPHAN_CLEANUP_DEFAULTS.minAgeMs} (${ORPHAN_CLEANUP_DEFAULTS.minAgeMs / 86_400_000} days)`,
    },
  ),
  orphanCleanupIntervalMs: option(
    '--orphan-cleanup-interval-ms',
    integer(0, 7 * 24 * 3_600_000, 'a duration in ms, an integer'),
    ORPHAN_CLEANUP_DEFAULTS.intervalMs,
    'How often the node removes crash leftovers from the tables it publishes to (first right after start, in the background); each run reads only the log written since the last. 0: never.',
    {
      defaultDoc: `${ORPHAN_CLEANUP_DEFAULTS.intervalMs} (${ORPHAN_CLEANUP_DEFAULTS.intervalMs / 3_600_000} hour)`,
    },
  ),
} as const;

/** The options' keys and their values' types. */
export type Options = typeof CONFIG_OPTIONS;
