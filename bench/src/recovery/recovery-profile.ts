import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CallFrame, CpuProfile } from '../fanin/cpu-profile-stages.js';
import type { RecoveryMeasurement } from './recover-backlog.js';

/** What the main thread of a recovering node does, by the code on its stack. */
export const RECOVERY_CATEGORIES = [
  'CRC32C',
  'WAL frames (read loop, scan)',
  'WAL entry headers',
  'decode records (zeroparser)',
  'Parquet (main thread)',
  'Delta commit, log, checkpoint',
  'replay and publish bookkeeping',
  'module loading, compiling',
  'fs callbacks',
  'GC',
  'V8/native (program)',
  'other',
] as const;
export type RecoveryCategory = (typeof RECOVERY_CATEGORIES)[number];

/** The windows a recovery is cut into, by the node's log lines. */
export const RECOVERY_WINDOWS = [
  'start-up + WAL open',
  'header pass',
  'encoders + servers',
  'replay',
] as const;
export type RecoveryWindow = (typeof RECOVERY_WINDOWS)[number];

/** One window of the main thread: its wall time, what was busy, and the functions with the most self time. */
export interface WindowProfile {
  wallMs: number;
  busyMs: number;
  byCategory: Record<RecoveryCategory, number>;
  /** `function (file)` → self ms, the top ones. */
  top: [string, number][];
}

/** A recovering node's CPU profile, cut at its steps. */
export interface RecoveryProfile {
  main: Record<RecoveryWindow, WindowProfile>;
  /** The Parquet encoder threads over the replay window: busy ms summed, their count, their top functions. */
  encoders: { count: number; busyMs: number; top: [string, number][] };
}

// Checked in this order over a sample's whole stack (leaf first): the more specific code first.
const RULES: readonly [RecoveryCategory, (f: CallFrame) => boolean][] = [
  ['CRC32C', (f) => f.url.endsWith('/wal/crc32c.js')],
  [
    'decode records (zeroparser)',
    (f) =>
      f.url.includes('/zeroparser/') ||
      f.url.endsWith('/stream/record-decoder.js') ||
      f.url.endsWith('/grpc/decode-request.js') ||
      f.url.endsWith('/flight/arrow-ipc.js'),
  ],
  [
    'WAL entry headers',
    (f) => f.url.endsWith('/stream/wal-entry.js') || f.url.endsWith('/stream/persistent-streams.js'),
  ],
  ['WAL frames (read loop, scan)', (f) => f.url.includes('/ingest/dist/wal/')],
  ['Parquet (main thread)', (f) => f.functionName === 'tableToIPC' || f.url.includes('/delta/dist/parquet/')],
  ['Delta commit, log, checkpoint', (f) => f.url.includes('/delta/dist/')],
  [
    'replay and publish bookkeeping',
    (f) =>
      f.url.includes('/ingest/dist/recovery/') ||
      f.url.includes('/ingest/dist/publish/') ||
      f.url.endsWith('/ingest/dist/server-node.js'),
  ],
  ['module loading, compiling', (f) => f.url.startsWith('node:internal/modules/')],
  ['fs callbacks', (f) => f.url.startsWith('node:internal/fs/')],
];

function categoryOf(stack: readonly CallFrame[]): RecoveryCategory | 'idle' {
  const leaf = stack[0]?.functionName;
  if (leaf === '(idle)') return 'idle';
  if (leaf === '(garbage collector)') return 'GC';
  for (const [category, matches] of RULES) if (stack.some(matches)) return category;
  if (leaf === '(program)') return 'V8/native (program)';
  return 'other';
}

const frameName = (f: CallFrame) =>
  `${f.functionName || '(anonymous)'}${f.url === '' ? '' : ` (${basename(f.url)})`}`;

/** Each sample of a profile: its time on the monotonic clock (µs), its duration (ms) and its stack. */
function* samplesOf(p: CpuProfile & { startTime: number }) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map<number, CallFrame[]>();
  const stackOf = (id: number) => {
    let s = stacks.get(id);
    if (s === undefined) {
      s = [];
      for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) s.push(byId.get(x)!.callFrame);
      stacks.set(id, s);
    }
    return s;
  };
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    const delta = p.timeDeltas[i] ?? 0;
    t += delta;
    yield { at: t, ms: delta / 1000, stack: stackOf(p.samples[i]!) };
  }
}

const topOf = (m: Map<string, number>, n: number): [string, number][] =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n);

/**
 * Reads the `.cpuprofile` files `node --cpu-prof` wrote for a recovering node (`CPU.<date>.<time>.<pid>.<thread>.<n>`,
 * thread 0 the main thread) and cuts the main thread at the steps `marks` (monotonic µs, the clock of V8's
 * profiles): start-up and WAL open (every frame's CRC), the header pass, the encoders' and servers' start, the
 * replay. Each window's samples are attributed by category ({@link RECOVERY_CATEGORIES}); the Parquet encoder
 * threads' busy time over the replay is added up apart. The sampler counts a thread waiting for a core as
 * busy in whatever it was running, and the libuv pool's reads (the WAL's bytes from the page cache) are not
 * sampled at all: read shares, not CPU seconds.
 */
export function analyseRecoveryProfile(
  dir: string,
  marks: RecoveryMeasurement['marksMonoUs'],
): RecoveryProfile {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const profiles = files.map((f) => ({
    thread: Number(f.split('.').at(-3)),
    profile: JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile & { startTime: number },
  }));
  const emptyWindow = (): WindowProfile => ({
    wallMs: 0,
    busyMs: 0,
    byCategory: Object.fromEntries(RECOVERY_CATEGORIES.map((c) => [c, 0])) as Record<
      RecoveryCategory,
      number
    >,
    top: [],
  });
  const main = Object.fromEntries(RECOVERY_WINDOWS.map((w) => [w, emptyWindow()])) as Record<
    RecoveryWindow,
    WindowProfile
  >;
  const tops = new Map<RecoveryWindow, Map<string, number>>(RECOVERY_WINDOWS.map((w) => [w, new Map()]));
  const windowAt = (at: number): RecoveryWindow | undefined =>
    at < marks.headerPass
      ? 'start-up + WAL open'
      : at < marks.walRead
        ? 'header pass'
        : at < marks.ready
          ? 'encoders + servers'
          : at < marks.recovered
            ? 'replay'
            : undefined;
  const encoders = { count: 0, busyMs: 0, top: [] as [string, number][] };
  const encoderTop = new Map<string, number>();
  for (const { thread, profile } of profiles) {
    const encoder = profile.nodes.some((n) => n.callFrame.url.endsWith('/parquet/parquet-worker.js'));
    if (thread !== 0 && !encoder) continue;
    if (encoder) encoders.count++;
    for (const s of samplesOf(profile)) {
      const window = windowAt(s.at);
      if (window === undefined) continue;
      const leaf = s.stack[0]!;
      const category = categoryOf(s.stack);
      if (encoder) {
        if (window !== 'replay' || category === 'idle') continue;
        encoders.busyMs += s.ms;
        encoderTop.set(frameName(leaf), (encoderTop.get(frameName(leaf)) ?? 0) + s.ms);
        continue;
      }
      const w = main[window];
      w.wallMs += s.ms;
      if (category === 'idle') continue;
      w.busyMs += s.ms;
      w.byCategory[category] += s.ms;
      const top = tops.get(window)!;
      top.set(frameName(leaf), (top.get(frameName(leaf)) ?? 0) + s.ms);
    }
  }
  for (const w of RECOVERY_WINDOWS) main[w].top = topOf(tops.get(w)!, 12);
  encoders.top = topOf(encoderTop, 12);
  return { main, encoders };
}
