/** The stages of the ingest path a CPU sample is attributed to. */
export const STAGES = ['receive', 'decode', 'wal', 'parquet', 'commit', 'gc', 'other'] as const;
export type Stage = (typeof STAGES)[number];

/** CPU time (ms) by stage of one process over a profiled window, split by thread kind. */
export interface StageProfile {
  /** Busy ms per stage, all threads. */
  stages: Record<Stage, number>;
  /** The node's main thread (gRPC, decode, WAL, publishing): busy and idle ms. */
  mainBusyMs: number;
  mainIdleMs: number;
  /** The Parquet encoder threads: busy ms summed, and their count. */
  encoderBusyMs: number;
  encoders: number;
  /** Wall ms covered by the main thread's profile. */
  wallMs: number;
}

/** A V8 call frame, as the inspector's `Profiler` reports it. */
export interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
/** A V8 CPU profile (`Profiler.stop`, or a `.cpuprofile` file). */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// Checked in this order over a sample's whole stack: decoding and WAL work are called from the stream
// handler, Parquet preparation and commits from the publisher, so the more specific stage comes first.
const RULES: readonly [Stage, (f: CallFrame) => boolean][] = [
  ['wal', (f) => f.url.includes('/ingest/dist/wal/') || f.url.endsWith('/stream/wal-entry.js')],
  [
    'decode',
    (f) =>
      f.url.includes('/zeroparser/') ||
      f.url.endsWith('/stream/record-decoder.js') ||
      f.url.includes('/ingest/dist/decode/') ||
      f.url.endsWith('/flight/arrow-ipc.js'),
  ],
  ['parquet', (f) => f.functionName === 'tableToIPC' || f.url.includes('/delta/dist/parquet/')],
  ['commit', (f) => f.url.includes('/delta/dist/') || f.url.includes('/ingest/dist/publish/')],
  [
    'receive',
    (f) =>
      f.url.includes('@grpc/grpc-js') ||
      f.url.startsWith('node:internal/http2') ||
      f.url === 'node:internal/stream_base_commons' ||
      f.url === 'node:net' ||
      f.url.includes('/ingest/dist/grpc/') ||
      f.url.includes('/ingest/dist/stream/') ||
      f.url.includes('/ingest/dist/flight/'),
  ],
];

/** The stage of one sample, from its stack (leaf first). */
export function stageOf(stack: readonly CallFrame[]): Stage | 'idle' {
  const leaf = stack[0]?.functionName;
  if (leaf === '(idle)') return 'idle';
  if (leaf === '(garbage collector)') return 'gc';
  for (const [stage, matches] of RULES) if (stack.some(matches)) return stage;
  return 'other';
}

/**
 * Adds up the sampled time of one process's threads by stage: `profiles[0]` is the main thread, attributed
 * sample by sample with {@link stageOf}; a thread whose frames include the Parquet worker script is an encoder,
 * and all its busy time (its GC included) is `parquet`; other threads are left out.
 */
export function profileStages(profiles: readonly CpuProfile[]): StageProfile {
  const result: StageProfile = {
    stages: Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>,
    mainBusyMs: 0,
    mainIdleMs: 0,
    encoderBusyMs: 0,
    encoders: 0,
    wallMs: 0,
  };
  profiles.forEach((profile, index) => {
    const main = index === 0;
    const encoder =
      !main && profile.nodes.some((n) => n.callFrame.url.endsWith('/parquet/parquet-worker.js'));
    if (!main && !encoder) return;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const selfMs = new Map<number, number>();
    profile.samples.forEach((id, i) => {
      selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    if (encoder) result.encoders++;
    for (const [id, ms] of selfMs) {
      const stack: CallFrame[] = [];
      for (let x: number | undefined = id; x !== undefined; x = parent.get(x))
        stack.push(byId.get(x)!.callFrame);
      const stage = stageOf(stack);
      if (main) result.wallMs += ms;
      if (stage === 'idle') {
        if (main) result.mainIdleMs += ms;
      } else if (encoder) {
        result.encoderBusyMs += ms;
        result.stages.parquet += ms;
      } else {
        result.mainBusyMs += ms;
        result.stages[stage] += ms;
      }
    }
  });
  return result;
}
