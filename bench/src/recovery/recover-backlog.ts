import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openTable } from '@lakestream/delta';
import { BENCH_TABLE_LOCATION } from '../ingest/bench-targets.js';
import type { Backlog } from './fill-backlog.js';
import { IngestProcess, type LogLine } from './ingest-process.js';
import { readProcStats, readThreadSched, type SchedTime, type ThreadSched } from './proc-stats.js';

/** The node's log lines that mark recovery's steps (`server-node.ts`, `recovery/replay-backlog.ts`, `main.ts`). */
export const WAL_READ = 'WAL read: persistent streams restored; replaying the backlog while serving';
export const READY = 'lakestream-ingest ready';
export const RECOVERY_DONE = 'recovery done';

/** Options of {@link recoverBacklog}. */
export interface RecoverOptions {
  readonly dataDir: string;
  readonly provisioningFile: string;
  readonly backlog: Backlog;
  /** Drop the WAL's segment files from the page cache first (a machine restart, not a process crash). */
  readonly cold?: boolean | undefined;
  /** Run the node with `--cpu-prof` into this directory (one `.cpuprofile` per thread, written at exit). */
  readonly cpuProfDir?: string | undefined;
}

/** One restart of the node on a backlog, measured. Times are seconds from the spawn. */
export interface RecoveryMeasurement {
  /** Spawn → the log line after the WAL is open ("WAL read: …"), and the open's own duration (every frame
   * CRC-checked, every entry header applied to persistent-stream state in the same pass). */
  readonly walReadS: number;
  readonly walOpenS: number;
  /** Spawn → "lakestream-ingest ready" (serving): time to ready. */
  readonly readyS: number;
  /** Spawn → "recovery done" (every backlog entry in its table): time to recovered. */
  readonly recoveredS: number;
  /** The replay while serving: WAL bytes and records over recovered − ready. */
  readonly replayMBps: number;
  readonly replayRecordsPerS: number;
  /** The node's CPU (all threads) from the spawn to ready and to recovered, s; and per GB (10^9 B) of WAL. */
  readonly cpuToReadyS: number;
  readonly cpuToRecoveredS: number;
  readonly cpuSPerWalGB: number;
  /** The node's mean CPU use over the replay (ready → recovered), in cores. */
  readonly replayCores: number;
  /** RSS at ready, and the peak up to recovered, MB. */
  readonly readyRssMB: number;
  readonly peakRssMB: number;
  /** Scheduler time of the node's threads from the spawn to ready, and over the replay (ready → recovered). */
  readonly schedToReady: ThreadSched;
  readonly schedReplay: ThreadSched;
  /** Every 250 ms from the spawn to recovered: `[seconds since the spawn, RSS MB, CPU s so far]`. */
  readonly timeline: [number, number, number][];
  /** Delta commits the node made (its `lakestream_commits_total`), the table's data files and rows after. */
  readonly commits: number;
  readonly dataFiles: number;
  readonly rows: number;
  /** The "recovery done" line's counts (entries, republished, alreadyPublished, held). */
  readonly report: Readonly<Record<string, unknown>>;
  /** The monotonic-clock instants (µs) of the steps, to cut a CPU profile of the node at them. */
  readonly marksMonoUs: {
    readonly headerPass: number;
    readonly walRead: number;
    readonly ready: number;
    readonly recovered: number;
  };
}

/** Evicts `files` from the page cache (`dd iflag=nocache count=0`: POSIX_FADV_DONTNEED on the whole file). */
export function dropFromPageCache(files: readonly string[]): void {
  for (const f of files) execFileSync('dd', [`if=${f}`, 'iflag=nocache', 'count=0', 'status=none']);
}

/**
 * Restarts the node on a killed node's data directory with its default settings and measures recovery: time
 * to ready (WAL open with every frame's CRC verified, then the header pass), time to recovered (the replay
 * while serving: decode again, Parquet, commits, trims), the replay's WAL MB/s and records/s, the node's CPU
 * and peak RSS (`/proc`), its commits; then stops it (SIGTERM) and checks that the table holds every acked
 * record of the backlog exactly (throws otherwise: a benchmark of a recovery that loses records means nothing).
 */
export async function recoverBacklog(o: RecoverOptions): Promise<RecoveryMeasurement> {
  const walDir = join(o.dataDir, 'wal');
  if (o.cold === true)
    dropFromPageCache(
      readdirSync(walDir)
        .filter((f) => f.endsWith('.wal'))
        .map((f) => join(walDir, f)),
    );
  const node = IngestProcess.start({
    dataDir: o.dataDir,
    provisioningFile: o.provisioningFile,
    nodeArgs: o.cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir],
  });
  const timeline: [number, number, number][] = [];
  const sampler = setInterval(() => {
    const s = readProcStats(node.pid);
    if (s !== undefined) timeline.push([(Date.now() - node.spawnedAt) / 1000, s.rssMB, s.cpuSeconds]);
  }, 250);
  try {
    const { line: ready, metricsPort } = await node.ready();
    const atReady = node.stats();
    const schedAtReady = readThreadSched(node.pid);
    const done = await node.waitFor(RECOVERY_DONE);
    const atDone = node.stats();
    const schedAtDone = readThreadSched(node.pid);
    if (schedAtReady === undefined || schedAtDone === undefined)
      throw new Error(`lakestream-ingest (pid ${node.pid}) is gone`);
    clearInterval(sampler);
    const walRead = await node.waitFor(WAL_READ);
    const commits = await scrapeCounter(metricsPort, 'lakestream_commits_total');
    const exit = await node.stop('SIGTERM');
    if (exit !== 0) throw new Error(`the recovering node exited with ${exit} on SIGTERM`);
    const table = await openTable(join(o.dataDir, BENCH_TABLE_LOCATION));
    const snapshot = await table.snapshot();
    await table.close();
    const rows = snapshot.numRecords ?? -1;
    if (rows !== o.backlog.records)
      throw new Error(`the table holds ${rows} rows after recovery, ${o.backlog.records} were acked`);
    const walOpenS = (walRead.openMs as number) / 1000;
    const readyS = node.secondsTo(ready);
    const recoveredS = node.secondsTo(done);
    const replayS = recoveredS - readyS;
    const { msg: _m, time: _t, epochMs: _e, level: _l, service: _s, node_id: _n, ...report } = done;
    const mono = (l: LogLine) => node.monoUsOf(l);
    return {
      walReadS: node.secondsTo(walRead),
      walOpenS,
      readyS,
      recoveredS,
      replayMBps: o.backlog.walBytes / 1e6 / replayS,
      replayRecordsPerS: o.backlog.records / replayS,
      cpuToReadyS: atReady.cpuSeconds,
      cpuToRecoveredS: atDone.cpuSeconds,
      cpuSPerWalGB: atDone.cpuSeconds / (o.backlog.walBytes / 1e9),
      replayCores: (atDone.cpuSeconds - atReady.cpuSeconds) / replayS,
      readyRssMB: atReady.rssMB,
      peakRssMB: atDone.peakRssMB,
      schedToReady: schedAtReady,
      schedReplay: schedSince(schedAtReady, schedAtDone),
      timeline,
      commits,
      dataFiles: snapshot.files.length,
      rows,
      report,
      marksMonoUs: {
        headerPass: mono(walRead) - (walRead.ms as number) * 1000,
        walRead: mono(walRead),
        ready: mono(ready),
        recovered: mono(done),
      },
    };
  } finally {
    clearInterval(sampler);
    await node.stop('SIGKILL');
  }
}

/** `to − from`, thread kind by thread kind. */
function schedSince(from: ThreadSched, to: ThreadSched): ThreadSched {
  const d = (a: SchedTime, b: SchedTime): SchedTime => ({ runS: b.runS - a.runS, waitS: b.waitS - a.waitS });
  return { main: d(from.main, to.main), niced: d(from.niced, to.niced), other: d(from.other, to.other) };
}

/** The sum of a Prometheus counter over its labels, from the node's `/metrics`. */
async function scrapeCounter(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

/** A start of the node on an empty data directory: the baseline of time to ready (process, modules, servers). */
export interface EmptyStart {
  readonly walReadS: number;
  readonly readyS: number;
  readonly cpuToReadyS: number;
  readonly readyRssMB: number;
}

/** Starts the node on the empty `dataDir` with its default settings, waits for ready, stops it (SIGTERM). */
export async function measureEmptyStart(dataDir: string, provisioningFile: string): Promise<EmptyStart> {
  const node = IngestProcess.start({ dataDir, provisioningFile });
  try {
    const { line: ready } = await node.ready();
    const at = node.stats();
    const walRead = await node.waitFor(WAL_READ);
    await node.stop('SIGTERM');
    return {
      walReadS: node.secondsTo(walRead),
      readyS: node.secondsTo(ready),
      cpuToReadyS: at.cpuSeconds,
      readyRssMB: at.rssMB,
    };
  } finally {
    await node.stop('SIGKILL');
  }
}
