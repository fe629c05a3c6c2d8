import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { openTable } from '@lakestream/delta';
import { BENCH_TABLE_LOCATION, openBenchNode, startNullServer } from '../ingest/bench-targets.js';
import type {
  FaninSample,
  FaninTarget,
  FaninTargetResult,
  LoadWorkerJob,
  LoadWorkerMessage,
} from './fanin-types.js';
import { mean, quantile, sortedCopy } from './quantile.js';
import { VisibilityTracker } from './visibility-tracker.js';

/** Options of one target's fan-in run. */
export interface FaninRunOptions {
  streams: number;
  threads: number;
  seconds: number;
  recordsPerRequest: number;
  inflight: number;
  /** Seconds over which the streams start. */
  rampSeconds: number;
  /** Paced total offered load in wire MB/s (0: unpaced, as fast as the in-flight cap allows). */
  rateMBps: number;
  token: { token: string; id: string; hash: string };
}

/** Per-second accumulators of the acks. */
interface Bucket {
  records: number;
  wire: number;
  payload: number;
  offsets: number;
  latencies: number[];
  errors: number;
  visibleMs: number[];
}

const emptyBucket = (): Bucket => ({
  records: 0,
  wire: 0,
  payload: 0,
  offsets: 0,
  latencies: [],
  errors: 0,
  visibleMs: [],
});

/**
 * Runs the fan-in load against one target for `seconds` (after which the streams stop by themselves):
 * `threads` worker threads share the streams; the main thread hosts the target (the full in-process node or
 * the null server), samples every second and, for the full service, polls the Delta table for visibility.
 */
export async function runFaninTarget(target: FaninTarget, o: FaninRunOptions): Promise<FaninTargetResult> {
  const dir = target === 'full' ? mkdtempSync(join(tmpdir(), 'lakestream-fanin-')) : undefined;
  const nullServer = target === 'null' ? await startNullServer() : undefined;
  const node = dir === undefined ? undefined : await openBenchNode(dir, o.token);
  let nodeClosed = false;
  const port = node?.port ?? nullServer?.port ?? 0;
  const tracker = dir === undefined ? undefined : new VisibilityTracker(join(dir, BENCH_TABLE_LOCATION));
  try {
    const now = () => performance.timeOrigin + performance.now();
    const startAt = now() + 500;
    const stopAt = startAt + o.seconds * 1000;
    const buckets = Array.from({ length: o.seconds }, emptyBucket);
    const bucketOf = (t: number) =>
      buckets[Math.min(o.seconds - 1, Math.max(0, Math.floor((t - startAt) / 1000)))]!;
    const errorMessages: string[] = [];

    const workers: Worker[] = [];
    const finished: Promise<void>[] = [];
    for (let w = 0; w < o.threads; w++) {
      const streamIndexes: number[] = [];
      for (let k = w; k < o.streams; k += o.threads) streamIndexes.push(k);
      const job: LoadWorkerJob = {
        role: 'fanin-load',
        port,
        token: o.token.token,
        streamIndexes,
        totalStreams: o.streams,
        recordsPerRequest: o.recordsPerRequest,
        inflight: o.inflight,
        startAt,
        rampMs: o.rampSeconds * 1000,
        bytesPerMsPerStream: (o.rateMBps * 1e6) / 1000 / o.streams,
        stopAt,
      };
      const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: job });
      workers.push(worker);
      finished.push(
        new Promise<void>((resolve, reject) => {
          worker.on('message', (m: LoadWorkerMessage) => {
            if (m.type === 'done') {
              errorMessages.push(...m.errorMessages);
              resolve();
              return;
            }
            for (let i = 0; i + 4 < m.acks.length; i += 5) {
              const t = m.acks[i]!;
              const b = bucketOf(t);
              b.offsets += m.acks[i + 1]!;
              b.records += m.acks[i + 2]!;
              b.wire += m.acks[i + 3]!;
              b.payload += m.acks[i + 4]!;
              tracker?.acked(m.acks[i + 2]!, t);
            }
            for (let i = 0; i + 1 < m.latencies.length; i += 2) {
              bucketOf(m.latencies[i]!).latencies.push(m.latencies[i + 1]!);
            }
            for (const t of m.errors) bucketOf(t).errors++;
          });
          worker.once('error', reject);
          worker.once('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`load worker exit ${code}`)),
          );
        }),
      );
    }
    tracker?.start(250);

    // Per-second process figures, sampled at the end of every second of the run.
    const samples: FaninSample[] = [];
    let cpu = process.cpuUsage();
    let mainElu = performance.eventLoopUtilization();
    let workerElu = workers.map((w) => w.performance.eventLoopUtilization());
    let offsetsTotal = 0;
    let ackedTotal = 0;
    let seenVisible = 0;
    await new Promise((r) => setTimeout(r, startAt - now()));
    for (let s = 0; s < o.seconds; s++) {
      await new Promise((r) => setTimeout(r, startAt + (s + 1) * 1000 + 50 - now()));
      const cpuNow = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      const mainNow = performance.eventLoopUtilization(mainElu);
      mainElu = performance.eventLoopUtilization();
      const workerNow = workers.map((w, i) => w.performance.eventLoopUtilization(workerElu[i]));
      workerElu = workers.map((w) => w.performance.eventLoopUtilization());
      const b = buckets[s]!;
      offsetsTotal += b.offsets;
      ackedTotal += b.records;
      if (tracker !== undefined) {
        const v = tracker.visibilities;
        for (; seenVisible < v.length; seenVisible++) b.visibleMs.push(v[seenVisible]!.ms);
      }
      const lat = sortedCopy(b.latencies);
      const vis = sortedCopy(b.visibleMs);
      samples.push({
        second: s,
        recordsPerSecond: b.records,
        wireMBps: b.wire / 1e6,
        payloadMBps: b.payload / 1e6,
        offsetsAcked: b.offsets,
        offsetsAckedTotal: offsetsTotal,
        ackP50: quantile(lat, 0.5),
        ackP95: quantile(lat, 0.95),
        ackP99: quantile(lat, 0.99),
        errors: b.errors,
        ackedRecordsTotal: ackedTotal,
        ...(tracker === undefined
          ? {}
          : {
              visibleRecords: tracker.visibleRecords,
              visibleP50: quantile(vis, 0.5),
              visibleP99: quantile(vis, 0.99),
            }),
        rssMB: process.memoryUsage().rss / 1e6,
        processCores: (cpuNow.user + cpuNow.system) / 1e6,
        mainElu: mainNow.utilization,
        workerElu: mean(workerNow.map((e) => e.utilization)),
      });
    }
    await Promise.all(finished);
    // Acks of the last second may have landed after it was sampled: fold them in.
    for (let s = 0; s < o.seconds; s++) {
      const b = buckets[s]!;
      const sample = samples[s]!;
      sample.recordsPerSecond = b.records;
      sample.wireMBps = b.wire / 1e6;
      sample.payloadMBps = b.payload / 1e6;
      sample.errors = b.errors;
    }
    await tracker?.drain(15_000);

    // Summary over the steady part: after the ramp (+1 s), without the last second.
    let steadyFrom = Math.min(o.seconds - 1, Math.ceil(o.rampSeconds) + 1);
    let steadyTo = o.seconds - 1;
    if (steadyTo - steadyFrom < 2) {
      steadyFrom = 0;
      steadyTo = o.seconds;
    }
    const steady = buckets.slice(steadyFrom, steadyTo);
    const secs = steady.length;
    const sum = (f: (b: Bucket) => number) => steady.reduce((a, b) => a + f(b), 0);
    const ackLatencies = sortedCopy(steady.flatMap((b) => b.latencies));
    const steadySamples = samples.slice(steadyFrom, steadyTo);
    const visAll = tracker === undefined ? [] : sortedCopy(tracker.visibilities.map((v) => v.ms));
    let rowsPublished: number | undefined;
    if (node !== undefined && dir !== undefined) {
      await node.close(5000);
      nodeClosed = true;
      const t = await openTable(join(dir, BENCH_TABLE_LOCATION));
      rowsPublished = (await t.snapshot()).numRecords ?? -1;
      await t.close();
    }
    return {
      summary: {
        target,
        steadyFrom,
        steadyTo,
        wireMBps: sum((b) => b.wire) / secs / 1e6,
        payloadMBps: sum((b) => b.payload) / secs / 1e6,
        recordsPerSecond: sum((b) => b.records) / secs,
        ackP50: quantile(ackLatencies, 0.5),
        ackP95: quantile(ackLatencies, 0.95),
        ackP99: quantile(ackLatencies, 0.99),
        ...(tracker === undefined
          ? {}
          : {
              visibleP50: quantile(visAll, 0.5),
              visibleP99: quantile(visAll, 0.99),
              neverVisible: tracker.pending,
            }),
        peakRssMB: Math.max(...samples.map((s) => s.rssMB)),
        meanProcessCores: mean(steadySamples.map((s) => s.processCores)),
        meanMainElu: mean(steadySamples.map((s) => s.mainElu)),
        meanWorkerElu: mean(steadySamples.map((s) => s.workerElu)),
        errors: buckets.reduce((a, b) => a + b.errors, 0),
        recordsAcked: buckets.reduce((a, b) => a + b.records, 0),
        ...(rowsPublished === undefined ? {} : { rowsPublished }),
      },
      samples,
      ackLatencies,
      errorMessages,
    };
  } finally {
    await tracker?.stop();
    nullServer?.forceShutdown();
    if (!nodeClosed) await node?.close(1000);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}
