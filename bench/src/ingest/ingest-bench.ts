import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { fromArrowSchema, openTable } from '@lakestream/delta';
import { createAuthenticator } from '@lakestream/ingest/dist/auth/create-authenticator.js';
import { createProducerToken } from '@lakestream/ingest/dist/auth/producer-token.js';
import { createMemoryCatalogSource } from '@lakestream/ingest/dist/catalog/memory-catalog-source.js';
import { decodeEphemeralRequest, type StreamRequest } from '@lakestream/ingest/dist/grpc/decode-request.js';
import { zerobusService } from '@lakestream/ingest/dist/grpc/proto.js';
import { openIngestNode } from '@lakestream/ingest/dist/server-node.js';
import { generateNeowise, neowiseSchema } from '@lakestream/testkit';
import { createParser } from '@lakestream/zeroparser';
import protobuf from 'protobufjs';

/** Options of {@link runIngestBench}. */
export interface IngestBenchOptions {
  /** Concurrent streams (each its own HTTP/2 connection). Default 1. */
  streams?: 1 | 64 | number;
  /** Seconds of load per server. Default 5. */
  seconds?: number;
  /** NEOWISE-like records per request (one offset). Default 1000 (~690 KB). */
  recordsPerRequest?: number;
  /** Requests in flight per stream (unacked). Default 32 for one stream, 4 per stream for many. */
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

const TABLE = 'bench.neowise.sources';

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
      const schema = fromArrowSchema(createParser(neowiseSchema().descriptorProto).schema);
      const catalog = createMemoryCatalogSource(benchSnapshot(token.id, token.hash, schema));
      const node = await openIngestNode({
        dataDir: dir,
        catalog,
        authenticator: createAuthenticator(catalog),
        limits: { streamInFlightBytes: 256 * 1024 * 1024 },
        nodeBufferBytes: 1024 * 1024 * 1024,
        ...(windows === '64 KiB' ? { streamWindowBytes: 65535, connectionWindowBytes: 65535 } : {}),
      });
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

function benchSnapshot(tokenId: string, tokenHash: string, schema: unknown) {
  const grant = (privilege: string, type: string, name: string) => ({
    principalId: 'svc-bench',
    privilege,
    securable: { type, name },
  });
  return {
    version: 1,
    issuer: 'https://control-plane.lakestream.test',
    audience: 'lakestream-ingest',
    tables: [{ name: TABLE, location: 'tables/bench/neowise/sources', schema, properties: {} }],
    principals: [{ id: 'svc-bench', name: 'svc-bench', kind: 'service' }],
    grants: [
      grant('USE_CATALOG', 'catalog', 'bench'),
      grant('USE_SCHEMA', 'schema', 'bench.neowise'),
      grant('MODIFY', 'table', TABLE),
    ],
    credentials: [{ id: tokenId, principalId: 'svc-bench', kind: 'producer_token', tokenHash }],
    tokenKeys: [],
  };
}

/** A server with the Zerobus proto that acks every request at once and keeps nothing. */
async function startNullServer(): Promise<grpc.Server & { port: number }> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 32 * 1024 * 1024 });
  const service = zerobusService();
  server.addService(
    {
      ...service,
      EphemeralStream: { ...service.EphemeralStream!, requestDeserialize: decodeEphemeralRequest },
    },
    {
      EphemeralStream: (call: grpc.ServerDuplexStream<StreamRequest, object>) => {
        call.sendMetadata(new grpc.Metadata());
        call.on('data', (m: StreamRequest) => {
          if (m.kind === 'create') call.write({ create_stream_response: { stream_id: 'null' } });
          else if (m.kind === 'records') {
            call.write({
              ingest_record_response: { durability_ack_up_to_offset: String(m.records.offset ?? 0n) },
            });
          }
        });
        call.on('end', () => call.end());
      },
      PersistentStream: (call: grpc.ServerDuplexStream<unknown, object>) =>
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'null server' }),
      RetireStream: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, {}),
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return Object.assign(server, { port });
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

/** `EphemeralStreamRequest{ingest_record_batch{offset_id, proto_encoded_batch}}` around a pre-encoded batch. */
function batchRequest(offset: number, encodedBatch: Uint8Array): Buffer {
  const inner = protobuf.Writer.create()
    .uint32(8)
    .int64(offset)
    .uint32(18)
    .uint32(encodedBatch.length)
    .finish();
  const bodyLen = inner.length + encodedBatch.length;
  const head = protobuf.Writer.create().uint32(26).uint32(bodyLen).finish();
  return Buffer.concat([head, inner, encodedBatch]);
}

async function generateLoad(job: LoadJob): Promise<LoadResult> {
  const records = generateNeowise(job.recordsPerRequest * 4, 42);
  const batches: { bytes: Uint8Array; payload: number }[] = [];
  for (let b = 0; b < 4; b++) {
    const w = protobuf.Writer.create();
    let payload = 0;
    for (const r of records.slice(b * job.recordsPerRequest, (b + 1) * job.recordsPerRequest)) {
      w.uint32(10).bytes(r);
      payload += r.length;
    }
    batches.push({ bytes: w.finish(), payload });
  }
  const service = zerobusService();
  const serializeCreate = service.EphemeralStream!.requestSerialize;
  const descriptor = neowiseSchema().descriptorProto;
  const latencies: number[] = [];
  let bytes = 0;
  let count = 0;
  let measuring = false;
  let stop = false;

  const runStream = async (k: number): Promise<void> => {
    const client = new grpc.Client(`127.0.0.1:${job.port}`, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': 32 * 1024 * 1024,
      'grpc.http2.write_buffer_size': 1024 * 1024,
    });
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${job.token}`);
    md.set('x-databricks-zerobus-table-name', TABLE);
    const call = client.makeBidiStreamRequest(
      '/databricks.zerobus.Zerobus/EphemeralStream',
      (m: Buffer) => m,
      service.EphemeralStream!.responseDeserialize as (b: Buffer) => Record<string, Record<string, string>>,
      md,
    );
    const sentAt: number[] = [];
    const payloadOf: number[] = [];
    let acked = -1;
    let next = 0;
    let wake: (() => void) | undefined;
    let ended = false;
    call.on('data', (r: Record<string, Record<string, string>>) => {
      const ack = r.ingest_record_response?.durability_ack_up_to_offset;
      if (ack !== undefined) {
        const n = Number(ack);
        const now = performance.now();
        for (let o = acked + 1; o <= n; o++) {
          if (measuring) {
            latencies.push(now - sentAt[o]!);
            bytes += payloadOf[o]!;
            count += job.recordsPerRequest;
          }
        }
        acked = n;
      }
      wake?.();
    });
    const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    void status.then(() => {
      ended = true;
      wake?.();
    });
    call.on('error', () => undefined);
    call.write(
      serializeCreate({ create_stream: { table_name: TABLE, record_type: 1, descriptor_proto: descriptor } }),
    );
    while (!stop && !ended) {
      while (next - acked <= job.window && !stop) {
        const b = batches[(next + k) % batches.length]!;
        sentAt[next] = performance.now();
        payloadOf[next] = b.payload;
        call.write(batchRequest(next, b.bytes));
        next++;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    while (acked < next - 1 && !ended) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    call.end();
    const s = await status;
    if (s.code !== grpc.status.OK) throw new Error(`stream ${k} ended with ${s.code} ${s.details}`);
    client.close();
  };

  const all = Array.from({ length: job.streams }, (_, k) => runStream(k));
  // Warm up for a second (JIT, table creation), then measure.
  await new Promise((r) => setTimeout(r, 1000));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, job.seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(all);
  return { bytes, records: count, seconds: elapsed, latencies };
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
