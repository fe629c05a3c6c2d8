import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { WalOptions } from '@lakestream/ingest/wal';
import { openWal, WAL_DEFAULTS } from '@lakestream/ingest/wal';

/** Options of {@link runWalBench}; defaults are what apps/ingest/README-wal.md reports. */
export interface WalBenchOptions {
  /** Seconds per setting (default 1.5). */
  seconds?: number;
  /** Bytes per append call: 16 entries of size/16 (default 64 KiB). */
  appendBytes?: number;
  /** Group-commit sizes to try (default 64 KiB, 256 KiB, 1 MiB). */
  groupCommitBytes?: number[];
  /** Group-commit delays to try, in ms (default 0, 1, 2, 5, 10). */
  groupCommitMs?: number[];
  /** Concurrent appenders to try (default 1 and 16). */
  appenders?: number[];
  /** Rounds over every setting, interleaved so that load from other processes hits all settings alike; each
   * figure is the median over rounds (default 3). */
  rounds?: number;
  /** Where the temporary WALs go (default the OS temp dir); removed afterwards. */
  workDir?: string;
}

/** One measured setting: closed-loop appenders, each awaiting its append before the next. */
export interface WalBenchRow {
  groupCommitBytes: number;
  groupCommitMs: number;
  writeMode: 'sync' | 'async';
  appenders: number;
  /** Acked payload MB/s (10^6 bytes). */
  mbps: number;
  /** append() call → resolve (durable), ms. */
  p50: number;
  p99: number;
  fsyncsPerSecond: number;
  /** Event-loop delay p99 during the run (ms): what a blocking write costs the gRPC server. */
  loopDelayP99: number;
}

/** Every figure of one run and its Markdown table. */
export interface WalBenchResult {
  rows: WalBenchRow[];
  loadAverage: number[];
  markdown: string;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function measure(
  dir: string,
  options: Required<Pick<WalOptions, 'groupCommitBytes' | 'groupCommitMs' | 'writeMode'>>,
  appenders: number,
  appendBytes: number,
  seconds: number,
): Promise<WalBenchRow> {
  const walDir = mkdtempSync(join(dir, 'wal-'));
  const wal = await openWal(walDir, options);
  const entry = new Uint8Array(appendBytes / 16).map((_, i) => i & 0xff);
  const batch = Array.from({ length: 16 }, () => entry);
  const latencies: number[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  // Warm-up (first segment, page cache, JIT), not measured.
  await Promise.all(Array.from({ length: appenders }, () => wal.append(batch)));
  const fsyncsBefore = wal.stats().fsyncs;
  loop.enable();
  const start = performance.now();
  const end = start + seconds * 1000;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: appenders }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await wal.append(batch);
        latencies.push(performance.now() - t);
        bytes += appendBytes;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  loop.disable();
  const fsyncs = wal.stats().fsyncs - fsyncsBefore;
  await wal.close();
  rmSync(walDir, { recursive: true, force: true });
  const sorted = Float64Array.from(latencies).sort();
  return {
    ...options,
    appenders,
    mbps: bytes / 1e6 / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    fsyncsPerSecond: fsyncs / elapsed,
    loopDelayP99: loop.percentile(99) / 1e6,
  };
}

/**
 * Measures WAL group commit on this machine's disk: throughput and append→durable latency for each
 * (groupCommitBytes, groupCommitMs) setting with 1 and 16 closed-loop appenders of 64 KiB, then `sync` vs
 * `async` frame writes at the defaults. Prints nothing; returns the rows and a Markdown table. Run it:
 * `npx tsc -p apps/ingest/tsconfig.build.json && npx tsc -p bench/tsconfig.json && node bench/dist/wal/wal-bench.js`.
 */
export async function runWalBench(options: WalBenchOptions = {}): Promise<WalBenchResult> {
  const seconds = options.seconds ?? 1;
  const rounds = options.rounds ?? 3;
  const appendBytes = options.appendBytes ?? 64 * 1024;
  const sizes = options.groupCommitBytes ?? [64 * 1024, 256 * 1024, 1024 * 1024];
  const delays = options.groupCommitMs ?? [0, 1, 2, 5, 10];
  const fanIns = options.appenders ?? [1, 16];
  const dir = mkdtempSync(join(options.workDir ?? tmpdir(), 'lakestream-wal-bench-'));
  const loadBefore = loadavg();
  type Setting = {
    groupCommitBytes: number;
    groupCommitMs: number;
    writeMode: 'sync' | 'async';
    appenders: number;
  };
  const settings: Setting[] = [];
  for (const appenders of fanIns) {
    for (const groupCommitBytes of sizes)
      for (const groupCommitMs of delays)
        settings.push({ groupCommitBytes, groupCommitMs, writeMode: 'async', appenders });
    // Frame writes on the event loop vs the libuv pool, at the chosen defaults.
    settings.push({ ...WAL_DEFAULTS, writeMode: 'sync', appenders });
  }
  const runs: WalBenchRow[][] = settings.map(() => []);
  try {
    for (let round = 0; round < rounds; round++)
      for (const [i, { appenders, ...walOptions }] of settings.entries())
        runs[i]!.push(await measure(dir, walOptions, appenders, appendBytes, seconds));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const rows = runs.map((r, i) => ({
    ...settings[i]!,
    mbps: median(r.map((x) => x.mbps)),
    p50: median(r.map((x) => x.p50)),
    p99: median(r.map((x) => x.p99)),
    fsyncsPerSecond: median(r.map((x) => x.fsyncsPerSecond)),
    loopDelayP99: median(r.map((x) => x.loopDelayP99)),
  }));
  const loadAverage = [loadBefore[0] ?? 0, loadavg()[0] ?? 0];
  return { rows, loadAverage, markdown: toMarkdown(rows, appendBytes, seconds, rounds, loadAverage) };
}

function toMarkdown(
  rows: WalBenchRow[],
  appendBytes: number,
  seconds: number,
  rounds: number,
  load: number[],
): string {
  const kib = (b: number) => (b >= 1024 * 1024 ? `${b / 1024 / 1024} MiB` : `${b / 1024} KiB`);
  return [
    `WAL group commit: closed-loop appenders of ${kib(appendBytes)} (16 entries each), ${seconds} s per run, ` +
      `median of ${rounds} interleaved rounds`,
    '',
    '| groupCommitBytes | groupCommitMs | write | appenders | MB/s | p50 ms | p99 ms | fsyncs/s | loop delay p99 ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${kib(r.groupCommitBytes)} | ${r.groupCommitMs} | ${r.writeMode} | ${r.appenders} | ${r.mbps.toFixed(0)} | ` +
        `${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.fsyncsPerSecond.toFixed(0)} | ${r.loopDelayP99.toFixed(2)} |`,
    ),
    '',
    `(1-minute load average ${load[0]?.toFixed(2)} before, ${load[1]?.toFixed(2)} after)`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runWalBench();
  console.log(result.markdown);
}
