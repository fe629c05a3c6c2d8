import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { epochNow, pushStream } from '../ingest/push-stream.js';
import { batchRequestBytes, encodeBatches } from '../ingest/request-encoding.js';
import { IngestProcess } from './ingest-process.js';

/** Options of {@link fillBacklog}. */
export interface FillOptions {
  readonly dataDir: string;
  readonly provisioningFile: string;
  readonly token: string;
  /** Wire bytes of batch requests to get acked (the WAL ends up this size, plus entry and frame headers). */
  readonly bytes: number;
  /** Concurrent streams (each its own grpc-js channel). */
  readonly streams: number;
  /** NEOWISE-like records per request (the fan-in benchmark's 1,000: ~690 KB). */
  readonly recordsPerRequest: number;
  /** Unacked requests per stream at most. */
  readonly inflight: number;
}

/** The backlog a killed node left behind, and how fast it was taken in. */
export interface Backlog {
  /** Batch requests and records acked (every one is in the WAL and nowhere else). */
  readonly requests: number;
  readonly records: number;
  /** Request bytes acked, as sent on the wire. */
  readonly wireBytes: number;
  /** Segment files left in `<dataDir>/wal` and their total size. */
  readonly segments: number;
  readonly walBytes: number;
  /** First request sent → last ack, s; and wire MB/s over it (receive, decode, WAL with fsync: no publishing). */
  readonly seconds: number;
  readonly ingestMBps: number;
  /** The filling node's peak RSS (it holds every decoded batch: publishing is off), MB. */
  readonly nodePeakRssMB: number;
}

/**
 * Flags that keep the node from publishing anything for the length of a fill: no commit before an hour or 64
 * GiB of decoded batches, and a node budget that holds the whole backlog decoded (~1.2× its bytes for
 * NEOWISE-like records, plus requests in flight). Nothing is committed, so nothing is trimmed: the whole backlog
 * stays in the WAL, in segments of the default 64 MiB.
 */
export function holdPublishingArgs(bytes: number): string[] {
  const budgetMiB = Math.max(1024, Math.ceil((3 * bytes) / 2 ** 20));
  return ['--flush-ms', '3600000', '--flush-bytes', '64GiB', '--node-inflight-bytes', `${budgetMiB}MiB`];
}

/**
 * Builds a WAL backlog the way a crash leaves one: the built node, publishing held off
 * ({@link holdPublishingArgs}), takes NEOWISE-like batch requests from `streams` grpc-js streams (the fan-in
 * load generator's `pushStream` and pre-encoded batches) until `bytes` are acked, and is then killed with
 * SIGKILL. Every acked record is then in the WAL only: the next start must replay all of it.
 */
export async function fillBacklog(o: FillOptions): Promise<Backlog> {
  const batches = encodeBatches(o.recordsPerRequest);
  const meanRequest = batches.reduce((a, b) => a + batchRequestBytes(0, b.bytes.length), 0) / batches.length;
  const total = Math.max(o.streams, Math.ceil(o.bytes / meanRequest));
  const node = IngestProcess.start({
    dataDir: o.dataDir,
    provisioningFile: o.provisioningFile,
    args: holdPublishingArgs(o.bytes),
  });
  try {
    const { port } = await node.ready();
    let requests = 0;
    let records = 0;
    let wireBytes = 0;
    let lastAck = 0;
    const started = epochNow();
    const results = await Promise.all(
      Array.from({ length: o.streams }, (_, k) =>
        pushStream({
          port,
          token: o.token,
          batches,
          first: k,
          recordsPerRequest: o.recordsPerRequest,
          inflight: o.inflight,
          stopAt: started + 3_600_000, // in effect none: `maxRequests` ends each stream
          bytesPerMs: 0,
          // Requests spread over the streams: the first `total % streams` streams send one more.
          maxRequests: Math.floor(total / o.streams) + (k < total % o.streams ? 1 : 0),
          onAck: (a) => {
            requests++;
            records += a.records;
            wireBytes += a.wireBytes;
            lastAck = a.ackedAt;
          },
        }),
      ),
    );
    const failed = results.find((s) => s.code !== 0);
    if (failed !== undefined) throw new Error(`a fill stream failed: ${failed.code} ${failed.details}`);
    if (requests !== total) throw new Error(`${requests} of ${total} fill requests acked`);
    const nodePeakRssMB = node.stats().peakRssMB;
    await node.stop('SIGKILL');
    const walDir = join(o.dataDir, 'wal');
    const files = (await readdir(walDir)).filter((f) => f.endsWith('.wal'));
    let walBytes = 0;
    for (const f of files) walBytes += (await stat(join(walDir, f))).size;
    const seconds = (lastAck - started) / 1000;
    return {
      requests,
      records,
      wireBytes,
      segments: files.length,
      walBytes,
      seconds,
      ingestMBps: wireBytes / 1e6 / seconds,
      nodePeakRssMB,
    };
  } finally {
    await node.stop('SIGKILL');
  }
}
