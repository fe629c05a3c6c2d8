import type { BenchRequestKind } from '../ingest/push-stream.js';
import type { BenchRows, EncodedBatch } from '../ingest/request-encoding.js';
import type { StageProfile } from './cpu-profile-stages.js';

/** A target of the fan-in load: the full service or the null server. */
export type FaninTarget = 'full' | 'null';

/** The load client: grpc-js streams built from our proto, or the official Zerobus SDK (native binding). */
export type FaninClient = 'grpc-js' | 'sdk';

/** What a load worker is told to do (its `workerData`). */
export interface LoadWorkerJob {
  role: 'fanin-load';
  client: FaninClient;
  port: number;
  token: string;
  /** Global indexes of the streams this worker drives. */
  streamIndexes: number[];
  /** All streams of the run (for the ramp). */
  totalStreams: number;
  recordsPerRequest: number;
  /** The rows' dataset and record format (PROTO or JSON streams). */
  rows: BenchRows;
  /** The requests' records, encoded as `rows` says (once, by the bench thread, before the run starts). */
  batches: EncodedBatch[];
  /** `batch` (`ingest_record_batch`) or `record` (`ingest_record`: one record per request). */
  request: BenchRequestKind;
  /** Unacked requests per stream at most (0: no cap). */
  inflight: number;
  /** Epoch ms (with fractions) at which the run starts. */
  startAt: number;
  /** Stream `k` starts at `startAt + rampMs * k / totalStreams`. */
  rampMs: number;
  /** Paced load: wire bytes per ms each stream may send at most (0: as fast as the in-flight cap allows). */
  bytesPerMsPerStream: number;
  /** Epoch ms at which streams stop sending (they then wait for their last acks). */
  stopAt: number;
}

/**
 * A worker's report of the acks since its last one: `acks` is flat 5-tuples, one per acked request,
 * `[ackedAtEpochMs, records, wireBytes, payloadBytes, sendToAckMs]`; `errors` flat epoch ms of stream errors.
 */
export interface LoadWorkerTick {
  type: 'tick';
  acks: number[];
  errors: number[];
}

/** A worker's last message, after every stream ended. */
export interface LoadWorkerDone {
  type: 'done';
  /** Messages of the errors that ended streams (first few). */
  errorMessages: string[];
}

/** A message from a load worker. */
export type LoadWorkerMessage = LoadWorkerTick | LoadWorkerDone;

/** One second of one target's run. */
export interface FaninSample {
  /** Seconds since the start of the run (the second `[second, second + 1)`). */
  second: number;
  recordsPerSecond: number;
  /** MB/s (10^6 bytes) of acked request bytes as sent on the wire (gRPC message bodies). */
  wireMBps: number;
  /** MB/s of acked record payload (the records' own bytes). */
  payloadMBps: number;
  /** Offsets (requests) acked in this second, and since the start. */
  offsetsAcked: number;
  offsetsAckedTotal: number;
  /** Send → ack of the offsets acked in this second, ms. */
  ackP50: number;
  ackP95: number;
  ackP99: number;
  errors: number;
  /** Full service: records visible in the Delta table at the end of the second, and acked ones. */
  visibleRecords?: number;
  ackedRecordsTotal: number;
  /** Full service: ack → visible of the records first seen visible in this second, ms. */
  visibleP50?: number;
  visibleP99?: number;
  /** RSS of the target process (the node alone) and of the bench process (load generator, poller), MB. */
  nodeRssMB: number;
  loadRssMB: number;
  /** CPU in this second, in cores: the target process (all its threads) and the bench process. */
  nodeCores: number;
  loadCores: number;
  /** Event-loop utilisation of the node's main thread (gRPC, decode, WAL) and the mean over load workers. */
  mainElu: number;
  workerElu: number;
  /** The target's real CPU in this second by thread, in cores: main thread, Parquet encoders, the rest. */
  mainCores: number;
  encoderCores: number;
  otherCores: number;
  encoderThreads: number;
  /** Cores' worth of time the main thread and the encoders were runnable but waiting for a core. */
  mainWaitCores: number;
  encoderWaitCores: number;
  /** Full service: MB held in the node budget, and waiting in its publishers, at the end of the second. */
  budgetMB?: number;
  unpublishedMB?: number;
  /** The node's main-thread V8 heap in use and its `ArrayBuffer`s (shared ones included), MB. */
  nodeHeapMB?: number;
  nodeArrayBuffersMB?: number;
  /**
   * Full service: the node's Parquet encoder threads, summed, as each reported after its latest file: their
   * parquet-wasm memory, V8 heaps (reserved) and own `ArrayBuffer`s, MB.
   */
  encoderWasmMB?: number;
  encoderHeapMB?: number;
  encoderArrayBuffersMB?: number;
  /** Full service: Delta commits the node made so far. */
  commits?: number;
}

/** The steady-state figures of one target. */
export interface FaninSummary {
  target: FaninTarget;
  /** The seconds counted as steady: `[from, to)`. */
  steadyFrom: number;
  steadyTo: number;
  wireMBps: number;
  payloadMBps: number;
  recordsPerSecond: number;
  ackP50: number;
  ackP95: number;
  ackP99: number;
  /** Ack → visible in Delta of the requests acked in the steady seconds (full service only). */
  visibleP50?: number;
  visibleP99?: number;
  /** Acked requests never seen visible before the end of the drain. */
  neverVisible?: number;
  /** Peak RSS of the target process (the node alone) and of the bench process (load generator). */
  peakNodeRssMB: number;
  peakLoadRssMB: number;
  meanNodeCores: number;
  meanLoadCores: number;
  meanMainElu: number;
  meanWorkerElu: number;
  /**
   * The target's real CPU per wire MB over the steady seconds by thread (`/proc` per thread): its main thread,
   * its Parquet encoder threads together (`encoders` of them), and the rest (libuv pool, GC and compiler helpers).
   */
  threadCpuMsPerMB: {
    main: number;
    encoders: number;
    other: number;
    encoderThreads: number;
    /** Ms per wire MB the main thread and the encoders waited for a core (runnable, not running). */
    mainWait: number;
    encodersWait: number;
  };
  /** Full service: the peak of the node budget's use (MB). */
  peakBudgetMB?: number;
  /** Ms from the start of the run to the first ack (the load workers' start-up comes first). */
  firstAckMs?: number;
  /** Full service: ms from the start of the run to the node's first records received (accepted). */
  firstReceivedMs?: number;
  /** Full service: ms from the start of the run to the node's first Delta commit (`undefined`: none). */
  firstCommitMs?: number;
  /** Full service: commits per second and rows seen published per second over the steady seconds. */
  commitsPerSecond?: number;
  visibleRecordsPerSecond?: number;
  /** CPU by stage of the target process, when the run was profiled (`--profile`). */
  stages?: StageProfile;
  errors: number;
  recordsAcked: number;
  /** Rows in the Delta table after the node closed (full service). */
  rowsPublished?: number;
}

/** One target's run: every per-second sample, the summary, and the steady-state ack latencies (for the CDF). */
export interface FaninTargetResult {
  summary: FaninSummary;
  samples: FaninSample[];
  /** Sorted steady-state send → ack latencies, ms. */
  ackLatencies: number[];
  errorMessages: string[];
}
