import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EncodeRequest,
  type EncodeStep,
  encodeFile,
  fromArrowSchema,
  type ParquetWriteOptions,
  shareBatches,
} from '@lakestream/delta';
import type { LoadedSchema } from '@lakestream/testkit';
import { createParser } from '@lakestream/zeroparser';
import { type RecordBatch, Table, tableToIPC } from 'apache-arrow';
import { wasmMemory } from 'parquet-wasm';
import { median } from '../fanin/quantile.js';
import { ThreadCpuMeter, threadCpuMs } from '../fanin/thread-cpu.js';
import { parquetWasmVariant } from './parquet-writer-variants.js';

/**
 * The node's real Parquet path, step by step: zeroparser's batches decoded into shared memory as the node
 * decodes them (`sharedMemory`), a file of the node's size described with `shareBatches`, and `encodeFile`
 * run inline with its per-step clock (`EncodeStep`), beside the writer alone (`parquetWasmVariant`: IPC
 * stream, wasm read, write) on the same batches. Interleaved rounds. The steps are this thread's CPU
 * (`/proc/thread-self/schedstat`: the encode runs here); "all" is the process's (`process.cpuUsage()`: V8's
 * GC and compiler helper threads included).
 */

/** One way of running the node's path: a name and the `parquet` options of its requests. */
export interface AsNodeVariant {
  name: string;
  parquet: ParquetWriteOptions;
}

/** One data file the way the node hands it to an encoder. */
export interface NodeFile {
  /** The table's `schemaString`. */
  schemaString: string;
  batches: RecordBatch[];
  /** Arrow IPC bytes of the file (MB), the unit of the writers' table. */
  ipcMB: number;
  /** Protobuf bytes of its records (MB): what the node received, less the request framing. */
  wireMB: number;
}

/** Decodes `records` as the node does (1,000 per batch, into shared memory) into one file's batches. */
export function nodeFile(loaded: LoadedSchema, records: Uint8Array[], batch: number): NodeFile {
  const parser = createParser(loaded.descriptorProto, { sharedMemory: true });
  const batches: RecordBatch[] = [];
  for (let i = 0; i < records.length; i += batch)
    batches.push(parser.decodeBatch(records.slice(i, i + batch)));
  const schemaString = JSON.stringify(fromArrowSchema(batches[0]!.schema));
  return {
    schemaString,
    batches,
    ipcMB: tableToIPC(new Table(batches), 'stream').byteLength / 1e6,
    wireMB: records.reduce((n, r) => n + r.byteLength, 0) / 1e6,
  };
}

const STEPS: readonly EncodeStep[] = ['input', 'conform', 'stats', 'ipc', 'wasm-read', 'parquet'];

interface StepSample {
  steps: Record<EncodeStep, number>;
  /** This thread's CPU ms, and the whole process's. */
  threadMs: number;
  totalMs: number;
  bytes: number;
  parquet: Uint8Array;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One `encodeFile` of `file` through the shared-memory path, with the CPU ms of each step. */
export async function encodeAsNode(file: NodeFile, variant: AsNodeVariant): Promise<StepSample> {
  const shared = shareBatches(file.batches);
  if (shared === undefined) throw new Error('the batches are not in shared memory');
  const request: EncodeRequest = { shared, schemaString: file.schemaString, parquet: variant.parquet };
  const steps = Object.fromEntries(STEPS.map((s) => [s, 0])) as Record<EncodeStep, number>;
  const start = cpuMs();
  const threadStart = threadCpuMs();
  let last = threadStart;
  const { parquet } = await encodeFile(request, (step) => {
    const now = threadCpuMs();
    steps[step] += now - last;
    last = now;
  });
  return {
    steps,
    threadMs: threadCpuMs() - threadStart,
    totalMs: cpuMs() - start,
    bytes: parquet.byteLength,
    parquet,
  };
}

/**
 * Runs `rounds` interleaved rounds of every variant and the writer alone on `file`, after a warm-up each;
 * returns the Markdown table lines and the last file of each (for the read-back checks).
 */
export async function compareAsNode(
  file: NodeFile,
  variants: readonly AsNodeVariant[],
  rounds: number,
): Promise<{ lines: string[]; outputs: Map<string, Uint8Array> }> {
  const alone = parquetWasmVariant('writer alone (IPC, wasm read, write)');
  const runs = [
    ...variants.map((v) => ({ name: v.name, run: async () => encodeAsNode(file, v) })),
    {
      name: alone.name,
      run: async (): Promise<StepSample> => {
        const start = cpuMs();
        const threadStart = threadCpuMs();
        const parquet = await alone.write(file.batches);
        const threadMs = threadCpuMs() - threadStart;
        const totalMs = cpuMs() - start;
        const steps = Object.fromEntries(STEPS.map((s) => [s, Number.NaN])) as Record<EncodeStep, number>;
        return { steps, threadMs, totalMs, bytes: parquet.byteLength, parquet };
      },
    },
  ];
  const samples = new Map<string, StepSample[]>(runs.map((r) => [r.name, []]));
  const outputs = new Map<string, Uint8Array>();
  for (const r of runs) outputs.set(r.name, (await r.run()).parquet); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < runs.length; k++) {
      const r = runs[(k + round) % runs.length]!;
      const s = await r.run();
      samples.get(r.name)!.push({ ...s, parquet: new Uint8Array(0) });
    }
  }
  const perMB = (ms: number) => (Number.isNaN(ms) ? '—' : (ms / file.ipcMB).toFixed(2));
  const lines = [
    `| path | ${STEPS.join(' | ')} | this thread | all threads: CPU ms per MB of Arrow | per wire MB | output MB |`,
    `|---|${STEPS.map(() => '---:').join('|')}|---:|---:|---:|---:|`,
  ];
  for (const r of runs) {
    const s = samples.get(r.name)!;
    const total = median(s.map((x) => x.totalMs));
    lines.push(
      `| ${r.name} | ${STEPS.map((step) => perMB(median(s.map((x) => x.steps[step])))).join(' | ')} | ${perMB(median(s.map((x) => x.threadMs)))} | **${perMB(total)}** | ${(total / file.wireMB).toFixed(2)} | ${(s[0]!.bytes / 1e6).toFixed(2)} |`,
    );
  }
  lines.push(
    '',
    'Medians over the rounds, in CPU ms per MB of Arrow IPC.',
    `wasm memory after the rounds: ${(wasmMemory().buffer.byteLength / 2 ** 20).toFixed(0)} MiB; one file: ${file.batches.reduce((n, b) => n + b.numRows, 0)} rows, ${file.ipcMB.toFixed(1)} MB of Arrow IPC, ${file.wireMB.toFixed(1)} MB of protobuf records.`,
  );
  return { lines, outputs };
}

/** The parts of `@lakestream/delta` the pool run uses: this workspace's, or another build's (a before/after). */
export type PoolDelta = Pick<
  typeof import('@lakestream/delta'),
  'createLocalStorage' | 'createParquetPool' | 'shareBatches'
>;

/** Options of {@link poolAsNode}. */
export interface PoolRun {
  /** Copies of the file encoded, all submitted at once. */
  files: number;
  /** Encoder threads (the node's default on this machine: 2). */
  workers: number;
  parquet: ParquetWriteOptions;
  /** Which build of the delta package runs the pool (default this workspace's). */
  delta: PoolDelta;
  /** The row's first cell. */
  label: string;
}

/**
 * `files` copies of `file` through the node's real pool (encoder threads at niceness 10, each writing its
 * file into a local table directory with fsync, as the node's publisher asks), all submitted at once; the
 * process's CPU per MB of Arrow by thread (`ThreadCpuMeter`): this (main) thread, the encoders, the rest
 * (libuv's pool doing the file writes, V8's helpers). One line of Markdown.
 */
export async function poolAsNode(file: NodeFile, run: PoolRun): Promise<string> {
  const { delta } = run;
  const dir = mkdtempSync(join(tmpdir(), 'encode-as-node-'));
  const storage = delta.createLocalStorage(dir);
  const pool = delta.createParquetPool({ workers: run.workers });
  try {
    const shared = delta.shareBatches(file.batches);
    if (shared === undefined) throw new Error('the batches are not in shared memory');
    const request: EncodeRequest = { shared, schemaString: file.schemaString, parquet: run.parquet };
    const encode = (i: number) =>
      pool.encode(request, { storage: storage.description!, path: `f${i}.parquet` });
    // Warm-up: every worker compiles the wasm module and grows its memory once.
    await Promise.all(Array.from({ length: run.workers }, (_, i) => encode(-1 - i)));
    const meter = new ThreadCpuMeter();
    const start = performance.now();
    await Promise.all(Array.from({ length: run.files }, (_, i) => encode(i)));
    const wallS = (performance.now() - start) / 1000;
    const t = meter.sample();
    const mb = file.ipcMB * run.files;
    const perMB = (ms: number) => (ms / mb).toFixed(2);
    return `| ${run.label} | ${perMB(t.mainMs)} | ${perMB(t.encodersMs)} (${t.encoders}) | ${perMB(t.otherMs)} | **${perMB(t.mainMs + t.encodersMs + t.otherMs)}** | ${perMB(t.encodersWaitMs)} | ${(mb / wallS).toFixed(1)} |`;
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
