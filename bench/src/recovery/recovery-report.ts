import { mkdirSync, writeFileSync } from 'node:fs';
import { median } from '../fanin/quantile.js';
import type { Backlog } from './fill-backlog.js';
import type { EmptyStart, RecoveryMeasurement } from './recover-backlog.js';
import { RECOVERY_CATEGORIES, RECOVERY_WINDOWS, type RecoveryProfile } from './recovery-profile.js';

/** The live path in the same repetition: a fan-in run of the same records against the full node. */
export interface LiveMeasurement {
  /** Acked wire MB/s and records/s over the steady seconds (the fan-in benchmark's figure). */
  wireMBps: number;
  recordsPerSecond: number;
  /** The rate records became visible in the Delta table over the same seconds (records/s, and MB/s of wire). */
  visibleRecordsPerSecond: number;
  visibleMBps: number;
  /** The node's CPU per GB of wire (all threads, steady seconds), and its peak RSS. */
  cpuSPerGB: number;
  peakRssMB: number;
  errors: number;
  recordsAcked: number;
  rowsPublished: number | undefined;
  /** Records visible in Delta at the end of each second of the run. */
  visibleBySecond: number[];
}

/** One repetition: an empty start, a backlog filled and recovered, the live path. */
export interface RecoveryRep {
  rep: number;
  order: string;
  loadAverage: { before: number[]; after: number[] };
  empty: EmptyStart;
  backlog: Backlog;
  recovery: RecoveryMeasurement;
  live?: LiveMeasurement;
  profile?: RecoveryProfile;
}

/** A recovery benchmark run: its settings, the machine, every repetition. */
export interface RecoveryRun {
  date: string;
  command: string;
  machine: { node: string; cpus: string; loadAverage: number[] };
  settings: Record<string, unknown>;
  reps: RecoveryRep[];
}

const fixed = (digits: number) => (v: number) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');

/** One row of the medians table: a figure, how it is printed, and its value in each repetition. */
type Row = [name: string, format: (v: number) => string, of: (r: RecoveryRep) => number | undefined];

const ROWS: Row[] = [
  ['WAL backlog (MB, segments of 64 MiB)', fixed(0), (r) => r.backlog.walBytes / 1e6],
  ['records in it', int, (r) => r.backlog.records],
  ['empty node: time to ready (s) — the baseline', fixed(2), (r) => r.empty.readyS],
  ['**time to ready (s)**', fixed(2), (r) => r.recovery.readyS],
  [
    '… spawn → WAL open starts (process, modules, catalog) (s)',
    fixed(2),
    (r) => r.recovery.walReadS - r.recovery.walOpenS,
  ],
  [
    '… WAL open: every frame read and CRC-checked, entry headers applied (restoreStreams) (s)',
    fixed(2),
    (r) => r.recovery.walOpenS,
  ],
  [
    '… spawn → WAL opened, beyond the empty node (s)',
    fixed(2),
    (r) => r.recovery.walReadS - r.empty.walReadS,
  ],
  ['… encoders and servers started (s)', fixed(2), (r) => r.recovery.readyS - r.recovery.walReadS],
  ['**time to recovered (s)**', fixed(1), (r) => r.recovery.recoveredS],
  ['**replay: WAL MB/s** (recovered − ready)', fixed(1), (r) => r.recovery.replayMBps],
  ['replay: records/s', int, (r) => r.recovery.replayRecordsPerS],
  ['replay: node CPU in use (cores)', fixed(2), (r) => r.recovery.replayCores],
  ['replay: main thread on a CPU (s)', fixed(1), (r) => r.recovery.schedReplay.main.runS],
  ['replay: main thread runnable, waiting for a CPU (s)', fixed(1), (r) => r.recovery.schedReplay.main.waitS],
  [
    'replay: encoder threads (niceness 10) on a CPU (s, summed)',
    fixed(1),
    (r) => r.recovery.schedReplay.niced.runS,
  ],
  [
    'replay: encoder threads runnable, waiting for a CPU (s, summed)',
    fixed(1),
    (r) => r.recovery.schedReplay.niced.waitS,
  ],
  [
    'replay: other threads (libuv pool, V8 GC and compiler) on a CPU (s, summed)',
    fixed(1),
    (r) => r.recovery.schedReplay.other.runS,
  ],
  ['to ready: main thread on a CPU (s)', fixed(2), (r) => r.recovery.schedToReady.main.runS],
  ['to ready: main thread waiting for a CPU (s)', fixed(2), (r) => r.recovery.schedToReady.main.waitS],
  ['**node CPU s per WAL GB** (spawn → recovered, all threads)', fixed(1), (r) => r.recovery.cpuSPerWalGB],
  [
    'node CPU s per WAL GB, the replay alone (ready → recovered)',
    fixed(1),
    (r) => (r.recovery.cpuToRecoveredS - r.recovery.cpuToReadyS) / (r.backlog.walBytes / 1e9),
  ],
  ['node CPU s to ready (empty node)', fixed(2), (r) => r.empty.cpuToReadyS],
  ['node CPU s to ready', fixed(2), (r) => r.recovery.cpuToReadyS],
  ['**node peak RSS (MB)**', int, (r) => r.recovery.peakRssMB],
  ['node RSS at ready (MB)', int, (r) => r.recovery.readyRssMB],
  ['Delta commits (data files)', int, (r) => r.recovery.commits],
  ['**live fan-in: wire MB/s** (acked, steady seconds)', fixed(1), (r) => r.live?.wireMBps],
  ['live fan-in: records/s', int, (r) => r.live?.recordsPerSecond],
  ['live fan-in: MB/s into Delta (visible, same seconds)', fixed(1), (r) => r.live?.visibleMBps],
  ['live fan-in: node CPU s per GB', fixed(1), (r) => r.live?.cpuSPerGB],
  ['live fan-in: node peak RSS (MB)', int, (r) => r.live?.peakRssMB],
  [
    '**replay / live fan-in (MB/s)**',
    fixed(2),
    (r) => (r.live === undefined ? undefined : r.recovery.replayMBps / r.live.wireMBps),
  ],
  [
    'replay CPU per GB / live CPU per GB',
    fixed(2),
    (r) => (r.live === undefined ? undefined : r.recovery.cpuSPerWalGB / r.live.cpuSPerGB),
  ],
  [
    'fill: wire MB/s taken in with publishing held off (receive, decode, WAL)',
    fixed(1),
    (r) => r.backlog.ingestMBps,
  ],
  ['fill: node peak RSS (MB)', int, (r) => r.backlog.nodePeakRssMB],
];

/** The table of medians (Markdown), every repetition's value beside it; a ratio is the median of the ratios. */
export function mediansTable(run: RecoveryRun): string {
  const reps = run.reps;
  const lines = [
    `| figure | median | ${reps.map((r) => `rep ${r.rep}`).join(' | ')} |`,
    `|---|---:|${reps.map(() => '---:').join('|')}|`,
  ];
  for (const [name, format, of] of ROWS) {
    const values = reps.map(of);
    const known = values.filter((v): v is number => v !== undefined);
    if (known.length === 0) continue;
    lines.push(
      `| ${name} | ${format(median(known))} | ${values.map((v) => (v === undefined ? '—' : format(v))).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** Where the main thread's time went in each window of one profiled recovery (Markdown). */
export function profileTable(p: RecoveryProfile): string {
  const lines = [
    `| main thread (ms) | ${RECOVERY_WINDOWS.join(' | ')} |`,
    `|---|${RECOVERY_WINDOWS.map(() => '---:').join('|')}|`,
    `| wall | ${RECOVERY_WINDOWS.map((w) => int(p.main[w].wallMs)).join(' | ')} |`,
    `| busy | ${RECOVERY_WINDOWS.map((w) => int(p.main[w].busyMs)).join(' | ')} |`,
  ];
  for (const c of RECOVERY_CATEGORIES) {
    if (RECOVERY_WINDOWS.every((w) => p.main[w].byCategory[c] < 0.5)) continue;
    lines.push(`| ${c} | ${RECOVERY_WINDOWS.map((w) => int(p.main[w].byCategory[c])).join(' | ')} |`);
  }
  lines.push(
    `| Parquet encoder threads (${p.encoders.count}), busy, summed | | | | ${int(p.encoders.busyMs)} |`,
    '',
    ...RECOVERY_WINDOWS.map(
      (w) =>
        `- ${w}, top self time: ${p.main[w].top
          .slice(0, 8)
          .map(([f, ms]) => `${f} ${int(ms)}`)
          .join(', ')}`,
    ),
    `- encoder threads, top self time: ${p.encoders.top
      .slice(0, 8)
      .map(([f, ms]) => `${f} ${int(ms)}`)
      .join(', ')}`,
  );
  return lines.join('\n');
}

/** The whole report (Markdown). */
export function recoveryReport(run: RecoveryRun): string {
  const parts = [
    `# Recovery benchmark, ${run.date}`,
    '',
    `\`${run.command}\` · Node ${run.machine.node} · ${run.machine.cpus} · load average at start ${run.machine.loadAverage.map((l) => l.toFixed(2)).join(', ')}`,
    '',
    `Settings: ${JSON.stringify(run.settings)}`,
    '',
    mediansTable(run),
    '',
    ...run.reps.map(
      (r) =>
        `Rep ${r.rep} (${r.order}): load average ${r.loadAverage.before[0]?.toFixed(1)} → ${r.loadAverage.after[0]?.toFixed(1)}; recovery done: ${JSON.stringify(r.recovery.report)}`,
    ),
  ];
  for (const r of run.reps) {
    if (r.profile === undefined) continue;
    parts.push(
      '',
      `## Profile of rep ${r.rep}'s recovering node (\`--cpu-prof\`)`,
      '',
      profileTable(r.profile),
    );
  }
  return `${parts.join('\n')}\n`;
}

/** Writes `bench/results/recovery-<date>.{json,md}`; returns their paths. */
export function writeRecoveryReport(run: RecoveryRun): { json: string; md: string } {
  const dir = new URL('../../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const stem = `recovery-${run.date.slice(0, 19).replace(/:/g, '-')}`;
  const json = new URL(`${stem}.json`, dir).pathname;
  const md = new URL(`${stem}.md`, dir).pathname;
  writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(md, recoveryReport(run));
  return { json, md };
}
