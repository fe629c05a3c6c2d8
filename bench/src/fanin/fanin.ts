import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createProducerToken, type DataFileOptions, DEFAULT_DATA_FILE_OPTIONS } from '@lakestream/ingest';
import type { BenchDataset } from '../ingest/bench-targets.js';
import type { BenchRequestKind } from '../ingest/push-stream.js';
import type { RecordFormat } from '../ingest/request-encoding.js';
import { type FaninRun, summaryTable, writeFaninReport } from './fanin-report.js';
import type { FaninClient, FaninTarget } from './fanin-types.js';
import { runFaninTarget } from './run-target.js';

/** Options of {@link runFaninBench}. */
export interface FaninBenchOptions {
  /** Concurrent streams (each its own grpc-js channel). Default 64. */
  streams?: number;
  /** Load worker threads sharing the streams. Default 2. */
  threads?: number;
  /** Seconds of load per target. Default 60. */
  seconds?: number;
  /** Records per request. Default 1000 (NEOWISE-like protobuf: ~690 KB). */
  recordsPerRequest?: number;
  /** The records: NEOWISE-like (the default) or the 105-column ClickBench-like record, each its own table. */
  dataset?: BenchDataset;
  /**
   * How the records go: `proto` (PROTO streams, the default) or `json` (JSON streams: each row's JSON text),
   * the same seeded rows either way.
   */
  format?: RecordFormat;
  /**
   * The request message: `batch` (`ingest_record_batch`, the default) or `record` (`ingest_record`, the
   * protocol's single-record request; needs `recordsPerRequest` 1).
   */
  request?: BenchRequestKind;
  /** Unacked requests per stream at most; 0: no cap (as fast as HTTP/2 flow control lets through). Default 4. */
  inflight?: number;
  /** Which targets. Default both (null server first, then the full service). */
  target?: 'both' | FaninTarget;
  /** Seconds over which the streams start. Default min(5, seconds / 4). */
  rampSeconds?: number;
  /** Seconds left out of the summary at the start (start-up, JIT). Default the ramp + 1 s. */
  warmupSeconds?: number;
  /** Paced total offered load in wire MB/s, spread evenly over the streams. Default 0: unpaced. */
  rateMBps?: number;
  /** The load client. Default grpc-js. */
  client?: FaninClient;
  /** How the full node encodes its data files. Default the node's own (snappy, no footer statistics). */
  parquet?: Partial<DataFileOptions>;
  /** Profile the target over the steady seconds and report its CPU by stage. Default false. */
  profile?: boolean;
  /** With `profile`: keep the raw `.cpuprofile` files (one per thread) in `<profileDir>/<target>/`. */
  profileDir?: string;
  /**
   * Write a heap snapshot of each target's main thread halfway through its steady seconds, as
   * `<heapSnapshotDir>/<target>.heapsnapshot` (a diagnostic: the run stalls while it is written).
   */
  heapSnapshotDir?: string;
  /**
   * Run the full node from this copy of a built `apps/ingest/dist` (the code before a change, for a
   * before/after comparison; it must sit inside the repository so its imports find the same `node_modules`).
   */
  ingestDist?: string;
  /** The full node's `--max-visible-delay-ms` (0: the backlog bound off). Default the node's (2000). */
  maxVisibleDelayMs?: number;
}

/**
 * The fan-in benchmark (issue 6): many concurrent streams (grpc-js or the official SDK) from worker threads
 * against the full ingest node (WAL fsync + Delta publishing to a temp dir) and/or the null server, each in a
 * process of its own; per-second throughput, ack latency, errors, time to visible in Delta, the node's RSS and
 * budget, and (with `profile`) the node's CPU by stage. Prints the summary table, writes
 * `bench/results/fanin-<date>.{json,md}` and returns the run.
 */
export async function runFaninBench(options: FaninBenchOptions = {}): Promise<FaninRun> {
  const seconds = options.seconds ?? 60;
  const settings = {
    streams: options.streams ?? 64,
    threads: options.threads ?? 2,
    seconds,
    recordsPerRequest: options.recordsPerRequest ?? 1000,
    rows: { dataset: options.dataset ?? 'neowise', format: options.format ?? 'proto' },
    request: options.request ?? 'batch',
    inflight: options.inflight ?? 4,
    rampSeconds: options.rampSeconds ?? Math.min(5, seconds / 4),
    warmupSeconds: options.warmupSeconds,
    rateMBps: options.rateMBps ?? 0,
    client: options.client ?? 'grpc-js',
    profile: options.profile ?? false,
    parquet: { ...DEFAULT_DATA_FILE_OPTIONS, ...options.parquet },
    ...(options.ingestDist === undefined ? {} : { ingestDist: resolve(options.ingestDist) }),
    ...(options.maxVisibleDelayMs === undefined ? {} : { maxVisibleDelayMs: options.maxVisibleDelayMs }),
  };
  if (settings.request === 'record' && settings.recordsPerRequest !== 1)
    throw new Error(
      `--request record sends one record per request: --records-per-request 1, not ${settings.recordsPerRequest}`,
    );
  const targets: FaninTarget[] =
    (options.target ?? 'both') === 'both' ? ['null', 'full'] : [options.target as FaninTarget];
  const token = createProducerToken({ id: 'bench' });
  const run: FaninRun = {
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      loadAverage: loadavg(),
    },
    settings,
    results: [],
  };
  for (const target of targets) {
    console.log(
      `fan-in: ${target}, ${settings.streams} streams, ${settings.rows.dataset} ${settings.rows.format}, ${seconds} s …`,
    );
    run.results.push(
      await runFaninTarget(target, {
        ...settings,
        profileDir: options.profileDir,
        heapSnapshotDir: options.heapSnapshotDir,
        token,
      }),
    );
  }
  const full = run.results.find((r) => r.summary.target === 'full')?.summary;
  const nul = run.results.find((r) => r.summary.target === 'null')?.summary;
  if (full !== undefined && nul !== undefined) run.fullOverNull = full.wireMBps / nul.wireMBps;
  console.log(`\n## Fan-in\n\n${summaryTable(run)}\n`);
  const files = writeFaninReport(run);
  console.log(`results: ${files.json}\nreport: ${files.md}`);
  return run;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      streams: { type: 'string' },
      threads: { type: 'string' },
      seconds: { type: 'string' },
      'records-per-request': { type: 'string' },
      request: { type: 'string' },
      format: { type: 'string' },
      dataset: { type: 'string' },
      'ingest-dist': { type: 'string' },
      'max-visible-delay-ms': { type: 'string' },
      inflight: { type: 'string' },
      target: { type: 'string' },
      ramp: { type: 'string' },
      warmup: { type: 'string' },
      'rate-mbps': { type: 'string' },
      client: { type: 'string' },
      profile: { type: 'boolean' },
      'profile-dir': { type: 'string' },
      'heap-snapshot-dir': { type: 'string' },
      'parquet-compression': { type: 'string' },
      'parquet-statistics': { type: 'string' },
      'parquet-row-group-bytes': { type: 'string' },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? {} : { v: Number(v) });
  const target = values.target ?? 'both';
  if (!['both', 'full', 'null'].includes(target)) throw new Error(`--target both|full|null, not '${target}'`);
  const client = values.client ?? 'grpc-js';
  if (!['grpc-js', 'sdk'].includes(client)) throw new Error(`--client grpc-js|sdk, not '${client}'`);
  const request = values.request ?? 'batch';
  if (!['batch', 'record'].includes(request)) throw new Error(`--request batch|record, not '${request}'`);
  const format = values.format ?? 'proto';
  if (!['proto', 'json'].includes(format)) throw new Error(`--format proto|json, not '${format}'`);
  const dataset = values.dataset ?? 'neowise';
  if (!['neowise', 'clickbench'].includes(dataset))
    throw new Error(`--dataset neowise|clickbench, not '${dataset}'`);
  const compression = values['parquet-compression'] ?? DEFAULT_DATA_FILE_OPTIONS.compression;
  if (!['snappy', 'zstd', 'none'].includes(compression))
    throw new Error(`--parquet-compression snappy|zstd|none, not '${compression}'`);
  const statistics = values['parquet-statistics'] ?? DEFAULT_DATA_FILE_OPTIONS.statistics;
  if (!['none', 'chunk'].includes(statistics))
    throw new Error(`--parquet-statistics none|chunk, not '${statistics}'`);
  const rowGroupBytes = Number(values['parquet-row-group-bytes'] ?? DEFAULT_DATA_FILE_OPTIONS.rowGroupBytes);
  if (!Number.isInteger(rowGroupBytes) || rowGroupBytes < 0)
    throw new Error(`--parquet-row-group-bytes: bytes (0: a file in one row group), not '${rowGroupBytes}'`);
  const opts: FaninBenchOptions = {
    parquet: {
      compression: compression as DataFileOptions['compression'],
      statistics: statistics as DataFileOptions['statistics'],
      rowGroupBytes,
    },
    target: target as 'both' | FaninTarget,
    client: client as FaninClient,
    request: request as BenchRequestKind,
    format: format as RecordFormat,
    dataset: dataset as BenchDataset,
    ...(values['ingest-dist'] === undefined ? {} : { ingestDist: values['ingest-dist'] }),
    ...(values['max-visible-delay-ms'] === undefined
      ? {}
      : { maxVisibleDelayMs: Number(values['max-visible-delay-ms']) }),
    profile: values.profile === true || values['profile-dir'] !== undefined,
    ...(values['profile-dir'] === undefined ? {} : { profileDir: values['profile-dir'] }),
    ...(values['heap-snapshot-dir'] === undefined ? {} : { heapSnapshotDir: values['heap-snapshot-dir'] }),
  };
  for (const [key, raw] of [
    ['streams', values.streams],
    ['threads', values.threads],
    ['seconds', values.seconds],
    ['recordsPerRequest', values['records-per-request']],
    ['inflight', values.inflight],
    ['rampSeconds', values.ramp],
    ['warmupSeconds', values.warmup],
    ['rateMBps', values['rate-mbps']],
  ] as const) {
    const n = num(raw);
    if ('v' in n) {
      if (!Number.isFinite(n.v) || n.v < 0) throw new Error(`bad --${key}: ${raw}`);
      opts[key] = n.v;
    }
  }
  await runFaninBench(opts);
}
