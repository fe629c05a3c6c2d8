import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { openTable } from '@lakestream/delta';
import { createProducerToken } from '@lakestream/ingest';
import { openBenchNode, startNullServer } from './bench-targets.js';
import { epochNow, pushStream } from './push-stream.js';
import { encodeBatches } from './request-encoding.js';

/** Options of {@link runIngestBench}. */
export interface IngestBenchOptions {
  /** Concurrent streams (each its own HTTP/2 connection). Default 1. */
  streams?: 1 | 64 | number;
  /** Seconds of load per server. Default 5. */
  seconds?: number;
  /** NEOWISE-like records per request (one offset). Default 1000 (~690 KB). */
  recordsPerRequest?: number;
  /** Requests in flight per stream (unacked) at most. Default 32 for one stream, 4 per stream for many. */
  window?: number;
  /** Also measure the full service with Node's default 64 KiB HTTP/2 windows (grpc-js's), to show the gain. */
  compareWindows?: boolean;
}

/** One measured server. */
export interface IngestBenchRow {
  server: string;
  streams: number;
  /** Acked record payload MB/s (10^6 bytes). */
  mbps: number;
  recordsPerSecond: number;
  /** Request sent → its cumulative ack, ms. */
  ackP50: number;
  ackP99: number;
  /** Rows in the Delta table at the end (full service), to check nothing was lost. */
  rowsPublished?: number;
  /** Records acked during the timed run. */
  recordsAcked: number;
}

interface LoadJob {
  role: 'ingest-load';
  port: number;
  token: string;
  streams: number;
  seconds: number;
  recordsPerRequest: number;
  window: number;
}

interface LoadResult {
  bytes: number;
  records: number;
  seconds: number;
  latencies: number[];
}

/**
 * The ingest speed benchmark (issue 4): NEOWISE-like protobuf records pushed as batch requests over N gRPC
 * streams, against the full service (WAL with group-commit fsync, Parquet encoding and Delta commits on) and
 * against a null server (the same proto and request decoding; acks at once, stores nothing), in one run.
 * The load generator runs in a worker thread (its own event loop; the machine's cores are shared).
 * Prints a Markdown table; returns the rows.
 */
export async function runIngestBench(options: IngestBenchOptions = {}): Promise<IngestBenchRow[]> {
  const streams = options.streams ?? 1;
  const seconds = options.seconds ?? 5;
  const recordsPerRequest = options.recordsPerRequest ?? 1000;
  const window = options.window ?? (streams === 1 ? 32 : 4);
  const rows: IngestBenchRow[] = [];
  const token = createProducerToken({ id: 'bench' });
  const job = {
    role: 'ingest-load',
    token: token.token,
    streams,
    seconds,
    recordsPerRequest,
    window,
  } as const;

  // 1. Null server.
  {
    const server = await startNullServer();
    const r = await runLoad({ ...job, port: server.port });
    server.forceShutdown();
    rows.push(row('null server (acks at once, stores nothing)', streams, r));
  }
  // 2. Full service (and, when asked, the same with grpc-js's default HTTP/2 windows).
  for (const windows of options.compareWindows === true
    ? (['64 KiB', 'raised'] as const)
    : (['raised'] as const)) {
    const dir = mkdtempSync(join(tmpdir(), 'lakestream-ingest-bench-'));
    try {
      const node = await openBenchNode(
        dir,
        token,
        windows === '64 KiB' ? { streamWindowBytes: 65535, connectionWindowBytes: 65535 } : {},
      );
      const r = await runLoad({ ...job, port: node.port });
      await node.close(1000);
      const t = await openTable(join(dir, 'tables/bench/neowise/sources'));
      const rowsPublished = (await t.snapshot()).numRecords ?? -1;
      await t.close();
      const name =
        windows === 'raised'
          ? 'full service (WAL fsync + Delta publishing)'
          : 'full service, HTTP/2 windows left at 64 KiB';
      rows.push({ ...row(name, streams, r), rowsPublished });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  printTable(rows, { seconds, recordsPerRequest, window });
  return rows;
}

function row(server: IngestBenchRow['server'], streams: number, r: LoadResult): IngestBenchRow {
  const sorted = r.latencies.sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return {
    server,
    streams,
    mbps: r.bytes / r.seconds / 1e6,
    recordsPerSecond: r.records / r.seconds,
    ackP50: q(0.5),
    ackP99: q(0.99),
    recordsAcked: r.records,
  };
}

function printTable(
  rows: IngestBenchRow[],
  o: { seconds: number; recordsPerRequest: number; window: number },
): void {
  console.log(
    `\n## Ingest: NEOWISE-like proto records, ${o.recordsPerRequest} per request, window ${o.window} requests per stream, ${o.seconds} s per server\n`,
  );
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? '?'} · load average ${loadavg()[0]?.toFixed(2)}\n`);
  console.log('| server | streams | MB/s | records/s | ack p50 (ms) | ack p99 (ms) | rows in Delta |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.server} | ${r.streams} | ${r.mbps.toFixed(1)} | ${Math.round(r.recordsPerSecond).toLocaleString('en-US')} | ${r.ackP50.toFixed(1)} | ${r.ackP99.toFixed(1)} | ${r.rowsPublished === undefined ? '—' : r.rowsPublished.toLocaleString('en-US')} |`,
    );
  }
}

/** Runs the load generator in a worker thread and waits for its figures. */
function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}

// ─── The load generator (worker thread) ─────────────────────────────────────────────────────────────────────

async function generateLoad(job: LoadJob): Promise<LoadResult> {
  const batches = encodeBatches(job.recordsPerRequest);
  const latencies: number[] = [];
  let bytes = 0;
  let count = 0;
  // Warm up for a second (JIT, table creation), then measure the acks of `seconds`, then stop sending.
  const measureFrom = epochNow() + 1000;
  const measureTo = measureFrom + job.seconds * 1000;
  const all = Array.from({ length: job.streams }, async (_, k) => {
    const s = await pushStream({
      port: job.port,
      token: job.token,
      batches,
      first: k,
      recordsPerRequest: job.recordsPerRequest,
      inflight: job.window,
      stopAt: measureTo,
      bytesPerMs: 0,
      onAck: (a) => {
        if (a.ackedAt < measureFrom || a.ackedAt >= measureTo) return;
        latencies.push(a.ackedAt - a.sentAt);
        bytes += a.payloadBytes;
        count += a.records;
      },
    });
    if (s.code !== grpc.status.OK) throw new Error(`stream ${k} ended with ${s.code} ${s.details}`);
  });
  await Promise.all(all);
  return { bytes, records: count, seconds: job.seconds, latencies };
}

if (!isMainThread && (workerData as LoadJob | undefined)?.role === 'ingest-load') {
  generateLoad(workerData as LoadJob).then(
    (r) => parentPort!.postMessage(r),
    (err: unknown) => {
      throw err;
    },
  );
} else if (isMainThread && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `node bench/dist/ingest/ingest-bench.js [streams] [seconds] [--compare-windows] [--records-per-request=N]`
  const streams = Number(process.argv[2] ?? 1);
  const seconds = Number(process.argv[3] ?? 5);
  const perRequest = /^--records-per-request=(\d+)$/.exec(
    process.argv.find((a) => a.startsWith('--records-per-request=')) ?? '',
  );
  await runIngestBench({
    streams,
    seconds,
    compareWindows: process.argv.includes('--compare-windows'),
    ...(perRequest === null ? {} : { recordsPerRequest: Number(perRequest[1]) }),
  });
}
