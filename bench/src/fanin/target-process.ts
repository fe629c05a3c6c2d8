import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import type { EncoderMemory } from '@lakestream/delta';
import type { DataFileOptions, NodeMetrics, openIngestNode } from '@lakestream/ingest';
import { createLogger, createMetrics } from '@lakestream/ingest';
import { BENCH_TABLES, type BenchDataset, openBenchNode, startNullServer } from '../ingest/bench-targets.js';
import { profileStages, type StageProfile } from './cpu-profile-stages.js';
import type { FaninTarget } from './fanin-types.js';
import { type ThreadCpu, ThreadCpuMeter } from './thread-cpu.js';
import { ThreadProfiler } from './thread-profiler.js';

/** What the bench tells the target process. */
export type TargetCommand =
  | {
      type: 'start';
      target: FaninTarget;
      dataDir: string;
      token: { id: string; hash: string };
      /** Attach the profiler to the threads now (they are then ready for `profile-start`). */
      profile: boolean;
      /** How the full node encodes its data files. */
      parquet: DataFileOptions;
      /** The dataset whose benchmark table the full node serves. */
      dataset: BenchDataset;
      /**
       * Run the full node from another build of `apps/ingest/dist` (a copy of the code before a change, kept
       * inside the repository so that its imports resolve to the same `node_modules`); default this workspace's.
       */
      ingestDist?: string | undefined;
      /** The full node's `--flush-bytes` (default the library's, `openIngestNode`'s 64 MiB). */
      flushBytes?: number;
      /** The full node's `--max-visible-delay-ms` (default the node's). */
      maxVisibleDelayMs?: number;
    }
  | { type: 'sample' }
  | { type: 'profile-start' }
  /** Write a V8 heap snapshot of the node's main thread to `path` (Chrome DevTools opens it). */
  | { type: 'heap-snapshot'; path: string }
  /** `keepIn`: also write each thread's profile there as a `.cpuprofile` (for Chrome DevTools). */
  | { type: 'profile-stop'; keepIn?: string }
  | { type: 'stop' };

/** The target process's figures since the previous sample. */
export interface TargetSample {
  type: 'sample';
  rssMB: number;
  /** CPU of the whole process (all its threads: gRPC/decode/WAL, Parquet encoders), in cores. */
  cores: number;
  /** Event-loop utilisation of its main thread. */
  mainElu: number;
  /** Real CPU since the previous sample by thread, in cores: main, Parquet encoders, the rest (`thread-cpu.ts`). */
  threadCores: {
    main: number;
    encoders: number;
    other: number;
    /** Cores' worth of time the main thread and the encoders were runnable but waiting for a core. */
    mainWait: number;
    encodersWait: number;
    encoderThreads: number;
  };
  /** Full service: bytes held in the node budget and waiting in the publishers (MB). */
  budgetMB?: number;
  unpublishedMB?: number;
  /** The main thread's V8 heap in use and the process's `ArrayBuffer`s (MB). */
  heapMB: number;
  arrayBuffersMB: number;
  /**
   * Full service, summed over its Parquet encoder threads as each reported after its latest file: their
   * parquet-wasm memory, V8 heaps (reserved) and own `ArrayBuffer`s (MB). Absent for a node built before
   * `encoderMemory` existed.
   */
  encoderWasmMB?: number;
  encoderHeapMB?: number;
  encoderArrayBuffersMB?: number;
  /** Full service: Delta commits so far, when the first one was made and when the node took its first records
   * (epoch ms). */
  commits?: number;
  firstCommitAt?: number;
  firstReceivedAt?: number;
}

/** What the target process answers. */
export type TargetReply =
  | { type: 'started'; port: number; tableLocation?: string }
  | TargetSample
  | { type: 'profiling' }
  | { type: 'profile'; stages: StageProfile }
  | { type: 'heap-snapshot'; path: string }
  | { type: 'stopped'; closeMs: number };

/**
 * The target of a fan-in run in a process of its own, so that its RSS, CPU and CPU profile are the node's
 * alone (the load generator runs in the bench process): the null server, or the full in-process ingest node
 * (WAL with fsync, Delta publishing into `dataDir`). Driven over the IPC channel: `start`, `sample` every
 * second, `profile-start` / `profile-stop` around the window to profile (answered with its CPU by stage),
 * then `stop` (the node drains, publishes and closes).
 */
export async function serveTarget(
  send: (r: TargetReply) => void,
  commands: AsyncIterable<TargetCommand>,
): Promise<void> {
  let close: (() => Promise<void>) | undefined;
  let node: Awaited<ReturnType<typeof openBenchNode>> | undefined;
  let cpu = process.cpuUsage();
  let elu = performance.eventLoopUtilization();
  let at = performance.now();
  let profiler: ThreadProfiler | undefined;
  let threads = new ThreadCpuMeter();
  const commits = commitCounter();
  for await (const c of commands) {
    if (c.type === 'start') {
      if (c.target === 'null') {
        const server = await startNullServer();
        close = async () => server.forceShutdown();
        send({ type: 'started', port: server.port });
      } else {
        // The node's warnings and errors (a failed publish is retried silently otherwise) go to stderr.
        const open =
          c.ingestDist === undefined
            ? undefined
            : (
                (await import(pathToFileURL(join(c.ingestDist, 'server-node.js')).href)) as {
                  openIngestNode: typeof openIngestNode;
                }
              ).openIngestNode;
        node = await openBenchNode(
          c.dataDir,
          c.token,
          {
            parquet: c.parquet,
            ...(c.flushBytes === undefined ? {} : { flushBytes: c.flushBytes }),
            ...(c.maxVisibleDelayMs === undefined ? {} : { maxVisibleDelayMs: c.maxVisibleDelayMs }),
            log: createLogger({ level: 'warn', destination: process.stderr }),
            metrics: commits.metrics,
          },
          open,
          c.dataset,
        );
        const n = node;
        close = () => n.close(5000);
        send({ type: 'started', port: n.port, tableLocation: BENCH_TABLES[c.dataset].location });
      }
      if (c.profile) profiler = await ThreadProfiler.attach();
      threads = new ThreadCpuMeter();
      cpu = process.cpuUsage();
      elu = performance.eventLoopUtilization();
      at = performance.now();
    } else if (c.type === 'sample') {
      const now = performance.now();
      const used = process.cpuUsage(cpu);
      const loop = performance.eventLoopUtilization(elu);
      cpu = process.cpuUsage();
      elu = performance.eventLoopUtilization();
      const seconds = (now - at) / 1000;
      at = now;
      const memory = process.memoryUsage();
      // A node from an older build (`ingestDist`) has no `encoderMemory`.
      const encoders = typeof node?.encoderMemory === 'function' ? node.encoderMemory() : undefined;
      const sum = (f: (m: EncoderMemory) => number): number =>
        (encoders ?? []).reduce((n, m) => n + f(m), 0) / 1e6;
      send({
        type: 'sample',
        rssMB: memory.rss / 1e6,
        heapMB: memory.heapUsed / 1e6,
        arrayBuffersMB: memory.arrayBuffers / 1e6,
        cores: (used.user + used.system) / 1e6 / seconds,
        mainElu: loop.utilization,
        threadCores: inCores(threads.sample(), seconds),
        ...(node === undefined
          ? {}
          : {
              budgetMB: node.pipeline.nodeBudget.used / 1e6,
              unpublishedMB: node.publishers.pendingBytes / 1e6,
              commits: commits.count,
              ...(encoders === undefined
                ? {}
                : {
                    encoderWasmMB: sum((m) => m.wasmBytes),
                    encoderHeapMB: sum((m) => m.heapTotalBytes),
                    encoderArrayBuffersMB: sum((m) => m.arrayBuffersBytes),
                  }),
              ...(commits.firstAt === undefined ? {} : { firstCommitAt: commits.firstAt }),
              ...(commits.firstReceivedAt === undefined ? {} : { firstReceivedAt: commits.firstReceivedAt }),
            }),
      });
    } else if (c.type === 'heap-snapshot') {
      mkdirSync(dirname(c.path), { recursive: true });
      send({ type: 'heap-snapshot', path: writeHeapSnapshot(c.path) });
    } else if (c.type === 'profile-start') {
      profiler ??= await ThreadProfiler.attach();
      await profiler.start();
      send({ type: 'profiling' });
    } else if (c.type === 'profile-stop') {
      const profiles = (await profiler?.stop()) ?? [];
      if (c.keepIn !== undefined) {
        mkdirSync(c.keepIn, { recursive: true });
        profiles.forEach((p, i) => {
          const name = i === 0 ? 'main' : `worker-${i}`;
          writeFileSync(join(c.keepIn!, `${name}.cpuprofile`), JSON.stringify(p));
        });
      }
      send({ type: 'profile', stages: profileStages(profiles) });
    } else {
      profiler?.close();
      const t = performance.now();
      await close?.();
      send({ type: 'stopped', closeMs: performance.now() - t });
      return;
    }
  }
}

/** Thread CPU ms over `seconds` as cores. */
function inCores(t: ThreadCpu, seconds: number): TargetSample['threadCores'] {
  const cores = (ms: number) => ms / 1000 / seconds;
  return {
    main: cores(t.mainMs),
    encoders: cores(t.encodersMs),
    other: cores(t.otherMs),
    mainWait: cores(t.mainWaitMs),
    encodersWait: cores(t.encodersWaitMs),
    encoderThreads: t.encoders,
  };
}

/**
 * Node metrics that only count the Delta commits and note when the first was made and when the first records were
 * received (accepted); the rest are real metrics nobody reads.
 */
function commitCounter(): {
  metrics: NodeMetrics;
  count: number;
  firstAt: number | undefined;
  firstReceivedAt: number | undefined;
} {
  const counter = {
    count: 0,
    firstAt: undefined as number | undefined,
    firstReceivedAt: undefined as number | undefined,
    metrics: {
      // Every other metric a real one, in a registry of its own that nobody reads.
      ...createMetrics({ defaultMetrics: false }),
      recordsReceived: {
        inc: () => {
          counter.firstReceivedAt ??= performance.timeOrigin + performance.now();
        },
      },
      commits: {
        inc: () => {
          counter.firstAt ??= performance.timeOrigin + performance.now();
          counter.count++;
        },
      },
    },
  };
  return counter;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.send !== undefined) {
  const queue: TargetCommand[] = [];
  let wake: (() => void) | undefined;
  process.on('message', (c: TargetCommand) => {
    queue.push(c);
    wake?.();
  });
  async function* commands(): AsyncIterable<TargetCommand> {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      await new Promise<void>((r) => {
        wake = r;
      });
    }
  }
  await serveTarget((r) => process.send!(r), commands());
  // Exit by itself once the IPC channel is closed, or soon.
  process.disconnect();
  setTimeout(() => process.exit(0), 5000).unref();
}
