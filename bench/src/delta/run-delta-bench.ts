import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type AddAction,
  buildWriterProperties,
  conformBatch,
  createLocalStorage,
  createParquetPool,
  createTable,
  encodeFile,
  fromArrowSchema,
  openTable,
  type ParquetPool,
  toArrowSchema,
} from '@lakestream/delta';
import { type RecordBatch, Table, tableToIPC } from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { neowiseBatches, neowiseSchema } from './neowise-batches.js';

/** Options of {@link runDeltaBench}; defaults are what the README figures use. */
export interface DeltaBenchOptions {
  /** NEOWISE-like batches for the encoding runs (default 20 × 5,000 records: ~3.3 MB data files). */
  batches?: number;
  rowsPerBatch?: number;
  /** Repetitions per encoding measurement; the median is reported (default 7). */
  reps?: number;
  /** Commits for the latency percentiles (default 200). */
  commits?: number;
  /** Commits of the snapshot-load table (default 10,000). */
  snapshotCommits?: number;
  /** Where the temporary tables go (default the OS temp dir); removed afterwards. */
  workDir?: string;
}

/** Every figure of one run. Throughputs are MB/s (10^6 bytes) of Arrow IPC input; latencies in ms. */
export interface DeltaBenchResult {
  inputMB: number;
  encode: {
    /** `writeParquet` with no properties: uncompressed, dictionary on every column. */
    defaultMBps: number;
    /** parquet-wasm defaults with zstd. */
    defaultZstdMBps: number;
    tunedMBps: number;
    tunedSnappyMBps: number;
    /** `encodeFile`: conform to the table types + stats + tuned parquet, one thread. */
    fullPathMBps: number;
    /** tuned zstd ÷ defaults with zstd (same codec). */
    ratio: number;
    /** tuned zstd ÷ plain defaults. */
    ratioVsDefaults: number;
    defaultBytes: number;
    defaultZstdBytes: number;
    tunedBytes: number;
  };
  /** `otherCpuSeconds`: CPU other processes used during the pool runs (they compete for the same 2 cores). */
  pool: { oneWorkerMBps: number; twoWorkersMBps: number; ratio: number; otherCpuSeconds: number | undefined };
  commit: {
    appendP50: number;
    appendP99: number;
    commitP50: number;
    commitP99: number;
    rowsPerAppend: number;
  };
  snapshot: { commits: number; files: number; buildSeconds: number; loadP50: number; timeTravelP50: number };
  /**
   * Writing the checkpoint of that table (medians of 5 interleaved repetitions, no fsync): the longest the
   * caller's event loop was blocked meanwhile, and the time to completion, written on the caller's thread (any
   * storage) vs by a pool worker (a local table).
   */
  checkpoint: { inPlaceSyncMs: number; inPlaceTotalMs: number; poolSyncMs: number; poolTotalMs: number };
  /** 1-minute load average before and after: other processes on the machine skew every figure. */
  loadAverage: [number, number];
  /** CPU seconds other processes used during the run (Linux); large values make the run worthless. */
  otherCpuSeconds: number | undefined;
  records: number;
  markdown: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
};

/** Busy CPU seconds of the whole machine so far (Linux `/proc/stat`); `undefined` elsewhere. */
function machineBusySeconds(): number | undefined {
  try {
    const cpu =
      readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return (cpu.reduce((a, b) => a + b, 0) - idle) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Measures how much CPU other processes used while `fn` ran: the machine's busy time minus this process's
 * (all its threads). The figures of a run are only comparable when this stays small.
 */
async function withInterference<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; otherCpuSeconds: number | undefined }> {
  const busy0 = machineBusySeconds();
  const own0 = process.cpuUsage();
  const value = await fn();
  const busy1 = machineBusySeconds();
  const own = process.cpuUsage(own0);
  const otherCpuSeconds =
    busy0 === undefined || busy1 === undefined
      ? undefined
      : Math.max(0, busy1 - busy0 - (own.user + own.system) / 1e6);
  return { value, otherCpuSeconds };
}

/**
 * Median MB/s of each variant over `reps` rounds. The variants run interleaved (one rep of each per round),
 * so a load spike from another process on the machine hits all of them alike.
 */
async function compareThroughput<K extends string>(
  bytes: Record<K, number>,
  reps: number,
  variants: Record<K, () => unknown>,
): Promise<Record<K, number>> {
  const names = Object.keys(variants) as K[];
  const rates = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (const n of names) await variants[n](); // warm-up: wasm tiers up, JIT, worker start
  for (let i = 0; i < reps; i++) {
    for (const n of names) {
      const t = performance.now();
      await variants[n]();
      rates[n].push(bytes[n] / 1e6 / ((performance.now() - t) / 1000));
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(rates[n])])) as Record<K, number>;
}

/**
 * Runs the delta benchmarks side by side in one process: parquet-wasm defaults vs the tuned writer
 * properties; the worker pool with 1 vs 2 workers; commit latency on local disk (fsync on); snapshot load of a
 * table with `snapshotCommits` commits and checkpoints every 10.
 */
export async function runDeltaBench(options: DeltaBenchOptions = {}): Promise<DeltaBenchResult> {
  const { value, otherCpuSeconds } = await withInterference(() => measure(options));
  const result = { ...value, otherCpuSeconds };
  return { ...result, markdown: toMarkdown(result) };
}

async function measure(
  options: DeltaBenchOptions,
): Promise<Omit<DeltaBenchResult, 'markdown' | 'otherCpuSeconds'>> {
  const reps = options.reps ?? 7;
  const loadBefore = loadavg()[0] ?? 0;
  const raw = neowiseBatches({
    batches: options.batches ?? 20,
    rowsPerBatch: options.rowsPerBatch ?? 5_000,
  });
  const deltaSchema = fromArrowSchema(neowiseSchema);
  const schemaString = JSON.stringify(deltaSchema);
  const arrowSchema = toArrowSchema(deltaSchema);
  // Both encoders get the same bytes: the batches already in the table's Arrow types.
  const conformed = raw.map((b) => conformBatch(b, arrowSchema));
  const ipcs = conformed.map((b) => tableToIPC(new Table([b]), 'stream'));
  const rawIpcs = raw.map((b) => tableToIPC(new Table([b]), 'stream'));
  const inputBytes = ipcs.reduce((n, b) => n + b.byteLength, 0);
  const rawBytes = rawIpcs.reduce((n, b) => n + b.byteLength, 0);

  let defaultBytes = 0;
  let defaultZstdBytes = 0;
  let tunedBytes = 0;
  const zstdDefaults = () => new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build();
  const encode = await compareThroughput(
    {
      defaults: inputBytes,
      defaultsZstd: inputBytes,
      tuned: inputBytes,
      tunedSnappy: inputBytes,
      fullPath: rawBytes,
    },
    reps,
    {
      defaults: () => {
        defaultBytes = 0;
        for (const ipc of ipcs) defaultBytes += writeParquet(WasmTable.fromIPCStream(ipc)).byteLength;
      },
      // The same defaults with only the codec changed: the like-for-like baseline of the zstd figure.
      defaultsZstd: () => {
        defaultZstdBytes = 0;
        for (const ipc of ipcs)
          defaultZstdBytes += writeParquet(WasmTable.fromIPCStream(ipc), zstdDefaults()).byteLength;
      },
      tuned: () => {
        tunedBytes = 0;
        ipcs.forEach((ipc, i) => {
          tunedBytes += writeParquet(
            WasmTable.fromIPCStream(ipc),
            buildWriterProperties(conformed[i]),
          ).byteLength;
        });
      },
      tunedSnappy: () => {
        ipcs.forEach((ipc, i) => {
          writeParquet(
            WasmTable.fromIPCStream(ipc),
            buildWriterProperties(conformed[i], { compression: 'snappy' }),
          );
        });
      },
      fullPath: async () => {
        for (const ipc of rawIpcs) await encodeFile({ ipc, schemaString });
      },
    },
  );

  // As Table.append does: serialise each file's batches to Arrow IPC on the main thread, encode in the pool.
  await using one = createParquetPool({ workers: 1 });
  await using two = createParquetPool({ workers: 2 });
  const viaPool = (pool: ParquetPool) => () =>
    Promise.all(raw.map((b) => pool.encode({ ipc: tableToIPC(new Table([b]), 'stream'), schemaString })));
  const { value: pools, otherCpuSeconds: poolInterference } = await withInterference(() =>
    compareThroughput({ one: rawBytes, two: rawBytes }, reps, { one: viaPool(one), two: viaPool(two) }),
  );

  const work = mkdtempSync(join(options.workDir ?? tmpdir(), 'delta-bench-'));
  try {
    // Commit latency on local disk, fsync on (the default).
    const commits = options.commits ?? 200;
    const rowsPerAppend = 1000;
    const small = neowiseBatches({ seed: 7, batches: 1, rowsPerBatch: rowsPerAppend })[0] as RecordBatch;
    const appendMs: number[] = [];
    const commitMs: number[] = [];
    {
      await using table = await createTable(join(work, 'latency'), { schema: deltaSchema, workers: 2 });
      // Warm-up: the first append starts the table's worker pool.
      let template: AddAction | undefined = (await table.append(small)).files[0];
      for (let i = 0; i < commits; i++) {
        const t = performance.now();
        const r = await table.append(small, { txn: { appId: 'bench', version: BigInt(i) } });
        appendMs.push(performance.now() - t);
        template ??= r.files[0];
      }
      for (let i = 0; i < commits; i++) {
        const add = { ...(template as AddAction), path: `bench-${i}.parquet` };
        const t = performance.now();
        await table.commit([{ add }], { txn: { appId: 'bench-commit', version: BigInt(i) } });
        commitMs.push(performance.now() - t);
      }
    }

    // Snapshot load of a long log: one file per commit, a checkpoint every 10 (built without fsync).
    const snapshotCommits = options.snapshotCommits ?? 10_000;
    const dir = join(work, 'snapshot');
    const buildStart = performance.now();
    {
      await using table = await createTable(dir, { schema: deltaSchema, fsync: false });
      const stats =
        '{"numRecords":1000,"minValues":{"cntr":5000000000},"maxValues":{"cntr":5000000999},"nullCount":{"cntr":0}}';
      for (let i = 1; i < snapshotCommits; i++) {
        const add: AddAction = {
          path: `part-00000-${String(i).padStart(8, '0')}-c000.zstd.parquet`,
          partitionValues: {},
          size: 1_000_000,
          modificationTime: Date.now(),
          dataChange: true,
          stats,
        };
        await table.commit([{ add }], { txn: { appId: 'bench', version: BigInt(i) } });
      }
    }
    const buildSeconds = (performance.now() - buildStart) / 1000;
    const loads: number[] = [];
    const travels: number[] = [];
    let files = 0;
    let version = 0;
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      await using table = await openTable(dir);
      const snap = await table.snapshot();
      loads.push(performance.now() - t);
      files = snap.files.length;
      version = snap.version;
      t = performance.now();
      await table.snapshot(version - 5);
      travels.push(performance.now() - t);
    }

    // The longest the event loop went without turning while `write` ran (a setImmediate chain measures it).
    const timed = async (write: () => Promise<void>): Promise<{ sync: number; total: number }> => {
      let last = performance.now();
      let longest = 0;
      let running = true;
      const turn = (): void => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
        if (running) setImmediate(turn);
      };
      setImmediate(turn);
      const t = performance.now();
      await write();
      running = false;
      return { sync: longest, total: performance.now() - t };
    };
    // The same table opened twice: through its local storage (the checkpoint is written by a pool worker) and
    // through a storage that hides that it is local (written on this thread, as for any other storage).
    const inPlace: { sync: number; total: number }[] = [];
    const viaPool: { sync: number; total: number }[] = [];
    {
      const local = createLocalStorage(dir, { fsync: false });
      await using pooled = await openTable(local, { workers: 1 });
      const { description: _hidden, ...notLocal } = local;
      await using here = await openTable(notLocal);
      for (let i = 0; i < 5; i++) {
        inPlace.push(await timed(() => here.checkpoint()));
        viaPool.push(await timed(() => pooled.checkpoint()));
      }
    }

    return {
      checkpoint: {
        inPlaceSyncMs: median(inPlace.map((x) => x.sync)),
        inPlaceTotalMs: median(inPlace.map((x) => x.total)),
        poolSyncMs: median(viaPool.map((x) => x.sync)),
        poolTotalMs: median(viaPool.map((x) => x.total)),
      },
      records: raw.reduce((n, b) => n + b.numRows, 0),
      inputMB: inputBytes / 1e6,
      encode: {
        defaultMBps: encode.defaults,
        tunedMBps: encode.tuned,
        tunedSnappyMBps: encode.tunedSnappy,
        fullPathMBps: encode.fullPath,
        defaultZstdMBps: encode.defaultsZstd,
        ratio: encode.tuned / encode.defaultsZstd,
        ratioVsDefaults: encode.tuned / encode.defaults,
        defaultBytes,
        defaultZstdBytes,
        tunedBytes,
      },
      pool: {
        oneWorkerMBps: pools.one,
        twoWorkersMBps: pools.two,
        ratio: pools.two / pools.one,
        otherCpuSeconds: poolInterference,
      },
      loadAverage: [loadBefore, loadavg()[0] ?? 0],
      commit: {
        appendP50: percentile(appendMs, 50),
        appendP99: percentile(appendMs, 99),
        commitP50: percentile(commitMs, 50),
        commitP99: percentile(commitMs, 99),
        rowsPerAppend,
      },
      snapshot: {
        commits: version + 1,
        files,
        buildSeconds,
        loadP50: median(loads),
        timeTravelP50: median(travels),
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function toMarkdown(r: Omit<DeltaBenchResult, 'markdown'>): string {
  const mb = (x: number) => `${x.toFixed(1)} MB/s`;
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const size = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  return [
    `NEOWISE-like input: ${r.records.toLocaleString('en-US')} records, ${r.inputMB.toFixed(1)} MB of Arrow IPC`,
    '',
    '| measurement | baseline | ours | ratio |',
    '|---|---|---|---|',
    `| Parquet encode, 1 thread, zstd | parquet-wasm defaults + zstd ${mb(r.encode.defaultZstdMBps)}, ${size(r.encode.defaultZstdBytes)} | tuned zstd ${mb(r.encode.tunedMBps)}, ${size(r.encode.tunedBytes)} | ${r.encode.ratio.toFixed(2)}× |`,
    `| Parquet encode, 1 thread, vs plain defaults | parquet-wasm defaults (uncompressed) ${mb(r.encode.defaultMBps)}, ${size(r.encode.defaultBytes)} | tuned zstd ${mb(r.encode.tunedMBps)} | ${r.encode.ratioVsDefaults.toFixed(2)}× |`,
    `| Parquet encode, 1 thread, snappy | parquet-wasm defaults (uncompressed) ${mb(r.encode.defaultMBps)} | tuned snappy ${mb(r.encode.tunedSnappyMBps)} | ${(r.encode.tunedSnappyMBps / r.encode.defaultMBps).toFixed(2)}× |`,
    `| encodeFile (conform + stats + tuned zstd), 1 thread | parquet-wasm defaults + zstd ${mb(r.encode.defaultZstdMBps)} | ${mb(r.encode.fullPathMBps)} | ${(r.encode.fullPathMBps / r.encode.defaultZstdMBps).toFixed(2)}× |`,
    `| worker pool (IPC on the main thread, encodeFile in workers) | 1 worker ${mb(r.pool.oneWorkerMBps)} | 2 workers ${mb(r.pool.twoWorkersMBps)} | ${r.pool.ratio.toFixed(2)}× (others used ${r.pool.otherCpuSeconds?.toFixed(1) ?? '?'} CPU-s meanwhile) |`,
    `| append of ${r.commit.rowsPerAppend} records (encode + write + commit, fsync) | | p50 ${ms(r.commit.appendP50)}, p99 ${ms(r.commit.appendP99)} | |`,
    `| one-file commit (log only, fsync) | | p50 ${ms(r.commit.commitP50)}, p99 ${ms(r.commit.commitP99)} | |`,
    `| snapshot load, ${r.snapshot.commits.toLocaleString('en-US')} commits, ${r.snapshot.files.toLocaleString('en-US')} files, checkpoint every 10 | | ${ms(r.snapshot.loadP50)} (time travel to latest − 5: ${ms(r.snapshot.timeTravelP50)}) | |`,
    `| checkpoint of that table: longest event-loop block (time to done) | written in place ${ms(r.checkpoint.inPlaceSyncMs)} (${ms(r.checkpoint.inPlaceTotalMs)}) | by a pool worker ${ms(r.checkpoint.poolSyncMs)} (${ms(r.checkpoint.poolTotalMs)}) | |`,
    '',
    `(building the ${r.snapshot.commits.toLocaleString('en-US')}-commit table took ${r.snapshot.buildSeconds.toFixed(1)} s; ` +
      `1-minute load average ${r.loadAverage[0].toFixed(2)} before, ${r.loadAverage[1].toFixed(2)} after; ` +
      `other processes used ${r.otherCpuSeconds === undefined ? 'unknown' : `${r.otherCpuSeconds.toFixed(1)} CPU-seconds`} during the run)`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runDeltaBench();
  console.log(result.markdown);
}
