import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CONFIG_OPTIONS, createProducerToken, DEFAULT_DATA_FILE_OPTIONS } from '@lakestream/ingest';
import type { FaninTargetResult } from '../fanin/fanin-types.js';
import { runFaninTarget } from '../fanin/run-target.js';
import { benchSnapshot, benchTableSchema } from '../ingest/bench-targets.js';
import { NEOWISE_PROTO } from '../ingest/request-encoding.js';
import { fillBacklog } from './fill-backlog.js';
import { killIngestProcesses } from './ingest-process.js';
import { measureEmptyStart, recoverBacklog } from './recover-backlog.js';
import { analyseRecoveryProfile } from './recovery-profile.js';
import {
  type LiveMeasurement,
  mediansTable,
  type RecoveryRep,
  type RecoveryRun,
  writeRecoveryReport,
} from './recovery-report.js';

/** Options of {@link runRecoveryBench}. */
export interface RecoveryBenchOptions {
  /** The WAL backlog to build, MiB of batch requests (default 1024: 16 segments of 64 MiB). */
  backlogMiB?: number;
  /** Repetitions (default 3); the report gives medians. */
  reps?: number;
  /** Streams filling the backlog (default 8). */
  fillStreams?: number;
  /** Seconds of the live fan-in run beside each recovery (default 30; 0: none). */
  liveSeconds?: number;
  /** Streams of the live fan-in run (default 64, the fan-in benchmark's). */
  liveStreams?: number;
  /** Drop the WAL from the page cache before each restart (a machine restart; default false: a process crash). */
  cold?: boolean;
  /** Run each recovering node with `--cpu-prof` and report where its time went (default false). */
  profile?: boolean;
  /** With `profile`: keep the `.cpuprofile` files in `<profileDir>/rep-<n>/` (default: removed). */
  profileDir?: string;
  /** The command line, for the report. */
  command?: string;
}

const RECORDS_PER_REQUEST = 1000;

/**
 * The recovery benchmark (issue 12): builds a WAL backlog of NEOWISE-like batch requests in the built node
 * (publishing held off), SIGKILLs it, restarts it on the same data directory with its default settings and
 * measures time to ready, time to recovered, the replay's WAL MB/s and records/s, the node's CPU per WAL GB,
 * its peak RSS and commits — and, in the same repetition, the live path on the same machine (a fan-in run of
 * the same records against the full node with publishing on), so that the replay reads as a ratio to it.
 * Repetitions alternate which of the two goes first. Prints the medians, writes
 * `bench/results/recovery-<date>.{json,md}` and returns the run. Every temporary directory is removed at the
 * end, on failure too.
 */
export async function runRecoveryBench(options: RecoveryBenchOptions = {}): Promise<RecoveryRun> {
  const backlogMiB = options.backlogMiB ?? 1024;
  const reps = options.reps ?? 3;
  const fillStreams = options.fillStreams ?? 8;
  const liveSeconds = options.liveSeconds ?? 30;
  const liveStreams = options.liveStreams ?? 64;
  const settings = {
    backlogMiB,
    reps,
    fillStreams,
    recordsPerRequest: RECORDS_PER_REQUEST,
    liveSeconds,
    liveStreams,
    cold: options.cold ?? false,
    profile: options.profile ?? false,
  };
  const root = mkdtempSync(join(tmpdir(), 'lakestream-recovery-'));
  // The backlog, the table it becomes, and the live run's WAL and table (~120 MB/s at most on this machine).
  const needBytes = 3 * backlogMiB * 2 ** 20 + liveSeconds * 300e6;
  const { bavail, bsize } = statfsSync(root);
  if (bavail * bsize < needBytes) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`${root}: ${(bavail * bsize) / 1e9} GB free, the run needs about ${needBytes / 1e9} GB`);
  }
  const removeRoot = () => rmSync(root, { recursive: true, force: true });
  const onSignal = () => {
    killIngestProcesses();
    removeRoot();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const run: RecoveryRun = {
    date: new Date().toISOString(),
    command: options.command ?? 'runRecoveryBench()',
    machine: {
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
      loadAverage: loadavg(),
    },
    settings,
    reps: [],
  };
  try {
    const token = createProducerToken({ id: 'bench' });
    const provisioningFile = join(root, 'provisioning.json');
    writeFileSync(provisioningFile, JSON.stringify(benchSnapshot(token.id, token.hash, benchTableSchema())));
    for (let rep = 1; rep <= reps; rep++) {
      const dir = join(root, `rep-${rep}`);
      const before = loadavg();
      const liveFirst = rep % 2 === 0;
      console.log(`recovery: rep ${rep}/${reps} (${liveFirst ? 'live fan-in first' : 'recovery first'}) …`);
      let live: LiveMeasurement | undefined;
      const runLive = async () => {
        if (liveSeconds > 0) live = await measureLive(liveSeconds, liveStreams, token);
      };
      if (liveFirst) await runLive();
      const empty = await measureEmptyStart(join(dir, 'empty'), provisioningFile);
      const dataDir = join(dir, 'data');
      const backlog = await fillBacklog({
        dataDir,
        provisioningFile,
        token: token.token,
        bytes: backlogMiB * 2 ** 20,
        streams: fillStreams,
        recordsPerRequest: RECORDS_PER_REQUEST,
        inflight: 4,
      });
      const cpuProfDir =
        options.profile === true
          ? join(options.profileDir ?? join(root, 'profiles'), `rep-${rep}`)
          : undefined;
      if (cpuProfDir !== undefined) mkdirSync(cpuProfDir, { recursive: true });
      const recovery = await recoverBacklog({
        dataDir,
        provisioningFile,
        backlog,
        cold: options.cold,
        cpuProfDir,
      });
      rmSync(dir, { recursive: true, force: true });
      if (!liveFirst) await runLive();
      const r: RecoveryRep = {
        rep,
        order: liveFirst ? 'live fan-in first' : 'recovery first',
        loadAverage: { before, after: loadavg() },
        empty,
        backlog,
        recovery,
        ...(live === undefined ? {} : { live }),
        ...(cpuProfDir === undefined
          ? {}
          : { profile: analyseRecoveryProfile(cpuProfDir, recovery.marksMonoUs) }),
      };
      run.reps.push(r);
      const l = r.live;
      console.log(
        `  ready ${recovery.readyS.toFixed(2)} s (empty node ${empty.readyS.toFixed(2)} s), recovered ${recovery.recoveredS.toFixed(1)} s, replay ${recovery.replayMBps.toFixed(1)} MB/s, ${recovery.cpuSPerWalGB.toFixed(1)} CPU s/GB, peak RSS ${recovery.peakRssMB.toFixed(0)} MB, ${recovery.commits} commits${l === undefined ? '' : `; live ${l.wireMBps.toFixed(1)} MB/s`}`,
      );
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    removeRoot();
  }
  console.log(`\n## Recovery\n\n${mediansTable(run)}\n`);
  const files = writeRecoveryReport(run);
  console.log(`results: ${files.json}\nreport: ${files.md}`);
  return run;
}

/**
 * The live path: a fan-in run of the same NEOWISE-like records (64 grpc-js streams, 1,000 records a request)
 * against the full node with publishing on, with the bin's default `--flush-bytes`.
 */
async function measureLive(
  seconds: number,
  streams: number,
  token: { token: string; id: string; hash: string },
): Promise<LiveMeasurement> {
  const rampSeconds = Math.min(5, seconds / 4);
  const r = await runFaninTarget('full', {
    streams,
    threads: 2,
    seconds,
    recordsPerRequest: RECORDS_PER_REQUEST,
    rows: NEOWISE_PROTO,
    inflight: 4,
    rampSeconds,
    rateMBps: 0,
    client: 'grpc-js',
    request: 'batch',
    profile: false,
    parquet: DEFAULT_DATA_FILE_OPTIONS,
    flushBytes: CONFIG_OPTIONS.flushBytes.default,
    token,
  });
  return liveOf(r);
}

/** The live figures of a fan-in run: acked and visible-in-Delta rates over its steady seconds. */
function liveOf(r: FaninTargetResult): LiveMeasurement {
  const s = r.summary;
  const visibleAt = (second: number) => (second < 0 ? 0 : (r.samples[second]?.visibleRecords ?? 0));
  const visibleRecordsPerSecond =
    (visibleAt(s.steadyTo - 1) - visibleAt(s.steadyFrom - 1)) / (s.steadyTo - s.steadyFrom);
  const wirePerRecord = (s.wireMBps * 1e6) / s.recordsPerSecond;
  return {
    wireMBps: s.wireMBps,
    recordsPerSecond: s.recordsPerSecond,
    visibleRecordsPerSecond,
    visibleMBps: (visibleRecordsPerSecond * wirePerRecord) / 1e6,
    cpuSPerGB: (s.meanNodeCores / s.wireMBps) * 1000,
    peakRssMB: s.peakNodeRssMB,
    errors: s.errors,
    recordsAcked: s.recordsAcked,
    rowsPublished: s.rowsPublished,
    visibleBySecond: r.samples.map((x) => x.visibleRecords ?? 0),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      'backlog-mib': { type: 'string' },
      reps: { type: 'string' },
      'fill-streams': { type: 'string' },
      'live-seconds': { type: 'string' },
      'live-streams': { type: 'string' },
      cold: { type: 'boolean' },
      profile: { type: 'boolean' },
      'profile-dir': { type: 'string' },
    },
  });
  const count = (flag: string, raw: string | undefined, min: number) => {
    if (raw === undefined) return {};
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${flag}: an integer ≥ ${min}, not '${raw}'`);
    return n;
  };
  const opts: RecoveryBenchOptions = {
    command: `node bench/dist/recovery/recovery-bench.js ${process.argv.slice(2).join(' ')}`.trim(),
    cold: values.cold === true,
    profile: values.profile === true || values['profile-dir'] !== undefined,
    ...(values['profile-dir'] === undefined ? {} : { profileDir: values['profile-dir'] }),
  };
  for (const [key, flag, min] of [
    ['backlogMiB', 'backlog-mib', 1],
    ['reps', 'reps', 1],
    ['fillStreams', 'fill-streams', 1],
    ['liveSeconds', 'live-seconds', 0],
    ['liveStreams', 'live-streams', 1],
  ] as const) {
    const n = count(flag, values[flag], min);
    if (typeof n === 'number') opts[key] = n;
  }
  await runRecoveryBench(opts);
}
