import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { isDeltaError, openTable } from '@lakestream/delta';
import type { DataFileOptions } from '@lakestream/ingest';
import { type BenchRequestKind, epochNow } from '../ingest/push-stream.js';
import { type BenchRows, encodeBatches } from '../ingest/request-encoding.js';
import type { StageProfile } from './cpu-profile-stages.js';
import type {
  FaninClient,
  FaninSample,
  FaninTarget,
  FaninTargetResult,
  LoadWorkerJob,
  LoadWorkerMessage,
} from './fanin-types.js';
import { mean, quantile, sortedCopy } from './quantile.js';
import type { TargetCommand, TargetReply, TargetSample } from './target-process.js';
import { VisibilityTracker } from './visibility-tracker.js';

/** Options of one target's fan-in run. */
export interface FaninRunOptions {
  streams: number;
  threads: number;
  seconds: number;
  recordsPerRequest: number;
  /** The rows' dataset (the table the node serves) and record format (PROTO or JSON streams). */
  rows: BenchRows;
  /** `batch` (`ingest_record_batch`) or `record` (`ingest_record`, one record per request). */
  request: BenchRequestKind;
  /** Unacked requests per stream at most (0: no cap, HTTP/2 flow control alone). */
  inflight: number;
  /** Seconds over which the streams start. */
  rampSeconds: number;
  /** Seconds left out of the summary at the start (default the ramp + 1 s). */
  warmupSeconds?: number | undefined;
  /** Paced total offered load in wire MB/s (0: unpaced, as fast as the in-flight cap allows). */
  rateMBps: number;
  client: FaninClient;
  /** Profile the target process over the steady seconds and attribute it to stages (`cpu-profile-stages.ts`). */
  profile: boolean;
  /** How the full node encodes its data files (its `--parquet-compression`, `--parquet-statistics`). */
  parquet: DataFileOptions;
  /** The full node's `--flush-bytes` (default `openIngestNode`'s, 64 MiB; the bin's is 128 MiB). */
  flushBytes?: number | undefined;
  /** Also keep the raw profiles (one `.cpuprofile` per thread) in `<profileDir>/<target>/`. */
  profileDir?: string | undefined;
  /** Write a heap snapshot of the node's main thread halfway through the steady seconds, into this directory. */
  heapSnapshotDir?: string | undefined;
  /** Run the full node from this build of `apps/ingest/dist` instead of the workspace's (see `TargetCommand`). */
  ingestDist?: string | undefined;
  /** The full node's `--max-visible-delay-ms` (default the node's). */
  maxVisibleDelayMs?: number | undefined;
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

/** The target process and a request/reply channel to it. */
class TargetProcess {
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;
  readonly #waiting: { type: TargetReply['type']; resolve: (r: TargetReply) => void }[] = [];

  constructor() {
    this.#child = fork(new URL('./target-process.js', import.meta.url), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    this.#child.on('message', (r: TargetReply) => {
      const i = this.#waiting.findIndex((w) => w.type === r.type);
      if (i >= 0) this.#waiting.splice(i, 1)[0]!.resolve(r);
    });
  }

  /** Sends `command` and waits for the reply of type `type`. */
  ask<T extends TargetReply['type']>(
    command: TargetCommand,
    type: T,
  ): Promise<Extract<TargetReply, { type: T }>> {
    const reply = new Promise<TargetReply>((resolve, reject) => {
      this.#waiting.push({ type, resolve });
      void this.exited.then((code) =>
        reject(new Error(`the target process exited (${code}) before '${type}'`)),
      );
    });
    this.#child.send(command);
    return reply as Promise<Extract<TargetReply, { type: T }>>;
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }
}

/**
 * Runs the fan-in load against one target for `seconds` (after which the streams stop by themselves). The
 * target (the full ingest node or the null server) runs in a child process of its own; `threads` worker threads
 * of this process share the streams; this thread samples both processes every second and, for the full
 * service, a poller thread reads the Delta table for visibility.
 */
export async function runFaninTarget(target: FaninTarget, o: FaninRunOptions): Promise<FaninTargetResult> {
  const dir = mkdtempSync(join(tmpdir(), 'lakestream-fanin-'));
  const child = new TargetProcess();
  let tracker: VisibilityTracker | undefined;
  let stopped = false;
  try {
    const started = await child.ask(
      {
        type: 'start',
        target,
        dataDir: dir,
        token: { id: o.token.id, hash: o.token.hash },
        profile: o.profile,
        parquet: o.parquet,
        dataset: o.rows.dataset,
        ...(o.ingestDist === undefined ? {} : { ingestDist: o.ingestDist }),
        ...(o.maxVisibleDelayMs === undefined ? {} : { maxVisibleDelayMs: o.maxVisibleDelayMs }),
        ...(o.flushBytes === undefined ? {} : { flushBytes: o.flushBytes }),
      },
      'started',
    );
    const location = started.tableLocation === undefined ? undefined : join(dir, started.tableLocation);
    tracker = location === undefined ? undefined : new VisibilityTracker(location);
    // Encoded before the clock starts (ClickBench JSON takes seconds); small requests cycle through more
    // distinct records (4,000 at most in all).
    const batches = encodeBatches(
      o.recordsPerRequest,
      Math.max(4, Math.floor(4000 / o.recordsPerRequest)),
      o.rows,
    );
    const startAt = epochNow() + 500;
    const stopAt = startAt + o.seconds * 1000;
    const buckets = Array.from({ length: o.seconds }, emptyBucket);
    const bucketOf = (t: number) =>
      buckets[Math.min(o.seconds - 1, Math.max(0, Math.floor((t - startAt) / 1000)))]!;
    const errorMessages: string[] = [];
    // The summary is over the steady part: after the warm-up (default the ramp + 1 s), without the last second.
    let steadyFrom = Math.min(o.seconds - 1, Math.ceil(o.warmupSeconds ?? o.rampSeconds + 1));
    let steadyTo = o.seconds - 1;
    if (steadyTo - steadyFrom < 2) {
      steadyFrom = 0;
      steadyTo = o.seconds;
    }

    let firstAckAt: number | undefined;
    const workers: Worker[] = [];
    const finished: Promise<void>[] = [];
    for (let w = 0; w < o.threads; w++) {
      const streamIndexes: number[] = [];
      for (let k = w; k < o.streams; k += o.threads) streamIndexes.push(k);
      const job: LoadWorkerJob = {
        role: 'fanin-load',
        client: o.client,
        port: started.port,
        token: o.token.token,
        streamIndexes,
        totalStreams: o.streams,
        recordsPerRequest: o.recordsPerRequest,
        rows: o.rows,
        batches,
        request: o.request,
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
              b.offsets++;
              b.records += m.acks[i + 1]!;
              b.wire += m.acks[i + 2]!;
              b.payload += m.acks[i + 3]!;
              b.latencies.push(m.acks[i + 4]!);
              if (firstAckAt === undefined || t < firstAckAt) firstAckAt = t;
              tracker?.acked(m.acks[i + 1]!, t);
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
    let cpuAt = performance.now();
    let workerElu = workers.map((w) => w.performance.eventLoopUtilization());
    let offsetsTotal = 0;
    let ackedTotal = 0;
    let seenVisible = 0;
    await child.ask({ type: 'sample' }, 'sample');
    await new Promise((r) => setTimeout(r, startAt - epochNow()));
    let stages: StageProfile | undefined;
    let firstCommitAt: number | undefined;
    let firstReceivedAt: number | undefined;
    if (o.profile && steadyFrom === 0) await child.ask({ type: 'profile-start' }, 'profiling');
    for (let s = 0; s < o.seconds; s++) {
      await new Promise((r) => setTimeout(r, startAt + (s + 1) * 1000 + 50 - epochNow()));
      const node: TargetSample = await child.ask({ type: 'sample' }, 'sample');
      firstCommitAt ??= node.firstCommitAt;
      firstReceivedAt ??= node.firstReceivedAt;
      // The profile covers the steady seconds only (not start-up, the ramp or the drain).
      if (o.profile && s + 1 === steadyFrom) await child.ask({ type: 'profile-start' }, 'profiling');
      if (o.profile && s + 1 === steadyTo)
        stages = (
          await child.ask(
            {
              type: 'profile-stop',
              ...(o.profileDir === undefined ? {} : { keepIn: join(o.profileDir, target) }),
            },
            'profile',
          )
        ).stages;
      if (o.heapSnapshotDir !== undefined && s + 1 === Math.floor((steadyFrom + steadyTo) / 2)) {
        const path = join(o.heapSnapshotDir, `${target}.heapsnapshot`);
        await child.ask({ type: 'heap-snapshot', path }, 'heap-snapshot');
        console.log(
          `heap snapshot of the ${target} node: ${path} (second ${s + 1}; the run stalled while it was written)`,
        );
      }
      const cpuNow = process.cpuUsage(cpu);
      const elapsed = (performance.now() - cpuAt) / 1000;
      cpu = process.cpuUsage();
      cpuAt = performance.now();
      const workerNow = workers.map((w, i) => w.performance.eventLoopUtilization(workerElu[i]));
      workerElu = workers.map((w) => w.performance.eventLoopUtilization());
      const b = buckets[s]!;
      offsetsTotal += b.offsets;
      ackedTotal += b.records;
      if (tracker !== undefined) {
        const v = tracker.visibilities;
        for (; seenVisible < v.length; seenVisible++)
          for (let k = 0; k < v[seenVisible]!.requests; k++) b.visibleMs.push(v[seenVisible]!.ms);
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
        nodeRssMB: node.rssMB,
        loadRssMB: process.memoryUsage.rss() / 1e6,
        nodeCores: node.cores,
        loadCores: (cpuNow.user + cpuNow.system) / 1e6 / elapsed,
        mainElu: node.mainElu,
        mainCores: node.threadCores.main,
        encoderCores: node.threadCores.encoders,
        otherCores: node.threadCores.other,
        encoderThreads: node.threadCores.encoderThreads,
        mainWaitCores: node.threadCores.mainWait,
        encoderWaitCores: node.threadCores.encodersWait,
        workerElu: mean(workerNow.map((e) => e.utilization)),
        ...(node.budgetMB === undefined ? {} : { budgetMB: node.budgetMB }),
        ...(node.unpublishedMB === undefined ? {} : { unpublishedMB: node.unpublishedMB }),
        nodeHeapMB: node.heapMB,
        nodeArrayBuffersMB: node.arrayBuffersMB,
        ...(node.encoderWasmMB === undefined
          ? {}
          : {
              encoderWasmMB: node.encoderWasmMB,
              encoderHeapMB: node.encoderHeapMB!,
              encoderArrayBuffersMB: node.encoderArrayBuffersMB!,
            }),
        ...(node.commits === undefined ? {} : { commits: node.commits }),
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
    await tracker?.drain(30_000);
    // A first commit after the last second (publishing that only started in the drain) counts too.
    const last = await child.ask({ type: 'sample' }, 'sample');
    firstCommitAt ??= last.firstCommitAt;
    firstReceivedAt ??= last.firstReceivedAt;
    if (tracker?.lastError !== undefined) errorMessages.push(`visibility poller: ${tracker.lastError}`);
    await child.ask({ type: 'stop' }, 'stopped');
    stopped = true;
    await child.exited;

    const steady = buckets.slice(steadyFrom, steadyTo);
    const secs = steady.length;
    const sum = (f: (b: Bucket) => number) => steady.reduce((a, b) => a + f(b), 0);
    const ackLatencies = sortedCopy(steady.flatMap((b) => b.latencies));
    const steadySamples = samples.slice(steadyFrom, steadyTo);
    // Ack → visible of the requests acked in the steady seconds.
    const steadyAcks = [startAt + steadyFrom * 1000, startAt + steadyTo * 1000] as const;
    const visAll =
      tracker === undefined
        ? []
        : sortedCopy(
            tracker.visibilities
              .filter((v) => v.visibleAt - v.ms >= steadyAcks[0] && v.visibleAt - v.ms < steadyAcks[1])
              .flatMap((v) => Array.from({ length: v.requests }, () => v.ms)),
          );
    let rowsPublished: number | undefined;
    if (location !== undefined) {
      try {
        const t = await openTable(location);
        rowsPublished = (await t.snapshot()).numRecords ?? -1;
        await t.close();
      } catch (err) {
        // No commit at all: the report says 0 rows (and the acks it did get) instead of losing the run.
        if (!isDeltaError(err) || err.code !== 'TABLE_NOT_FOUND') throw err;
        rowsPublished = 0;
        errorMessages.push(`the table was never committed: ${err.message}`);
      }
    }
    const budgets = samples.flatMap((s) => (s.budgetMB === undefined ? [] : [s.budgetMB]));
    // Commits and rows published over the steady seconds: the counts at their end less those at their start.
    const steadyDelta = (f: (s: FaninSample) => number | undefined): number | undefined => {
      const end = f(samples[steadyTo - 1]!);
      const begin = steadyFrom === 0 ? 0 : f(samples[steadyFrom - 1]!);
      return end === undefined || begin === undefined ? undefined : (end - begin) / secs;
    };
    const wireMBps = sum((b) => b.wire) / secs / 1e6;
    // CPU ms per wire MB of a per-second series of cores over the steady seconds.
    const perMB = (cores: number[]) => (1000 * mean(cores)) / wireMBps;
    const commitsPerSecond = steadyDelta((s) => s.commits);
    const visibleRecordsPerSecond = steadyDelta((s) => s.visibleRecords);
    return {
      summary: {
        target,
        steadyFrom,
        steadyTo,
        wireMBps,
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
        peakNodeRssMB: Math.max(...samples.map((s) => s.nodeRssMB)),
        peakLoadRssMB: Math.max(...samples.map((s) => s.loadRssMB)),
        meanNodeCores: mean(steadySamples.map((s) => s.nodeCores)),
        meanLoadCores: mean(steadySamples.map((s) => s.loadCores)),
        meanMainElu: mean(steadySamples.map((s) => s.mainElu)),
        meanWorkerElu: mean(steadySamples.map((s) => s.workerElu)),
        threadCpuMsPerMB: {
          main: perMB(steadySamples.map((s) => s.mainCores)),
          encoders: perMB(steadySamples.map((s) => s.encoderCores)),
          other: perMB(steadySamples.map((s) => s.otherCores)),
          encoderThreads: Math.max(0, ...steadySamples.map((s) => s.encoderThreads)),
          mainWait: perMB(steadySamples.map((s) => s.mainWaitCores)),
          encodersWait: perMB(steadySamples.map((s) => s.encoderWaitCores)),
        },
        ...(budgets.length === 0 ? {} : { peakBudgetMB: Math.max(...budgets) }),
        ...(firstAckAt === undefined ? {} : { firstAckMs: firstAckAt - startAt }),
        ...(firstReceivedAt === undefined ? {} : { firstReceivedMs: firstReceivedAt - startAt }),
        ...(target === 'full' && firstCommitAt !== undefined
          ? { firstCommitMs: firstCommitAt - startAt }
          : {}),
        ...(commitsPerSecond === undefined ? {} : { commitsPerSecond }),
        ...(visibleRecordsPerSecond === undefined ? {} : { visibleRecordsPerSecond }),
        errors: buckets.reduce((a, b) => a + b.errors, 0),
        recordsAcked: buckets.reduce((a, b) => a + b.records, 0),
        ...(rowsPublished === undefined ? {} : { rowsPublished }),
        ...(stages === undefined ? {} : { stages }),
      },
      samples,
      ackLatencies,
      errorMessages,
    };
  } finally {
    await tracker?.stop();
    if (!stopped) child.kill();
    await child.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
