import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DeltaError, type DeltaErrorCode } from '../errors.js';
import type { StorageDescription } from '../storage/storage.js';
import type { EncodeRequest } from './encode-file.js';
import type {
  EncoderMemory,
  FileOutput,
  PooledFile,
  WorkerRequest,
  WorkerResponse,
  WorkerTask,
} from './worker-messages.js';

export type { EncoderMemory, FileOutput, PooledFile } from './worker-messages.js';

/** Options of {@link createParquetPool}. */
export interface ParquetPoolOptions {
  /** Worker threads (default: `os.availableParallelism()`). */
  workers?: number;
  /** Override the worker script (default: `parquet-worker.js` beside this module in `dist/`). */
  workerUrl?: URL;
  /**
   * Scheduling niceness of the worker threads (Linux; 0–19, default 10): encoding yields the CPU to the
   * threads of the caller's process that run at normal priority (an ingest node's main thread: receiving,
   * decoding and acking) whenever both want it, and takes every idle cycle otherwise. 0 leaves them as is.
   */
  niceness?: number;
  /**
   * A worker whose parquet-wasm memory grew past this many bytes is replaced by a fresh one once the files it
   * holds are done (default {@link DEFAULT_MAX_WASM_BYTES}; 0: never): WebAssembly memory cannot shrink, so a
   * thread that once encoded a large row group would otherwise keep that memory for the life of the process.
   */
  maxWasmBytes?: number;
}

/** Default of `ParquetPoolOptions.maxWasmBytes`: 256 MiB, several 8 MiB row groups' worth of encoding. */
export const DEFAULT_MAX_WASM_BYTES = 256 * 1024 * 1024;

/** A pool of worker threads that encode Parquet data files, so the event loop never blocks on encoding. */
export interface ParquetPool extends AsyncDisposable {
  /** Number of worker threads. */
  readonly size: number;
  /**
   * Encodes one data file on the next free worker (at most two files per worker at a time; the rest wait in a
   * queue, so a worker that finishes early takes the next file). Rejects with the worker's `DeltaError` (`SCHEMA_MISMATCH`,
   * `ENCODE_FAILED`), `ENCODE_FAILED` if the worker dies (it is replaced), or `POOL_CLOSED`. With `output`
   * the worker writes the file into that storage itself (a `STORAGE` error then) and answers its size only.
   */
  encode(request: EncodeRequest, output?: FileOutput): Promise<PooledFile>;
  /**
   * Writes the classic checkpoint of the table in the storage `table` describes as of `version` (and
   * `_last_checkpoint`) on a worker, which reads the log back from the storage: the caller's thread does none
   * of the work, however many files the table has. Rejects with the worker's `DeltaError` (`STORAGE`,
   * `CORRUPT_LOG`, …) or `POOL_CLOSED`.
   */
  checkpoint(table: StorageDescription, version: number): Promise<void>;
  /**
   * What each worker thread holds, as it reported after its latest task (zeros before its first): for the
   * node's memory accounting (`apps/ingest/README.md`, Memory).
   */
  memory(): readonly EncoderMemory[];
  /** Workers replaced so far because their parquet-wasm memory grew past `maxWasmBytes`. */
  readonly recycled: number;
  /** Stops the workers; pending encodes reject with `POOL_CLOSED`. */
  close(): Promise<void>;
}

/**
 * Where the worker script is. Worker threads need JavaScript, so the script always comes from `dist/`: beside
 * this module when it runs built, or the `dist/` twin of `src/` when it runs from TypeScript source (vitest).
 * Throws `INVALID_ARGUMENT` asking for a build when the file is missing.
 */
export function resolveWorkerUrl(): URL {
  let url = new URL('./parquet-worker.js', import.meta.url);
  if (import.meta.url.endsWith('.ts')) {
    url = new URL(url.href.replace(/\/src\/parquet\/parquet-worker\.js$/, '/dist/parquet/parquet-worker.js'));
  }
  if (!existsSync(fileURLToPath(url))) {
    throw new DeltaError(
      'INVALID_ARGUMENT',
      `Parquet worker script not found at ${fileURLToPath(url)}; run \`npm run build -w @lakestream/delta\` first`,
    );
  }
  return url;
}

const IN_FLIGHT = 2;

interface Pending {
  resolve: (file: PooledFile | undefined) => void;
  reject: (err: DeltaError) => void;
}

interface Queued extends Pending {
  task: WorkerTask;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  memory: EncoderMemory;
  /** Past `maxWasmBytes`: takes no more files, and is replaced once those it holds are done. */
  retiring: boolean;
}

const NOTHING_REPORTED: EncoderMemory = {
  wasmBytes: 0,
  heapUsedBytes: 0,
  heapTotalBytes: 0,
  arrayBuffersBytes: 0,
};

/**
 * Starts a pool of Parquet worker threads. Idle workers do not keep the process alive; still, dispose the pool
 * (`await using`, or `close()`) when done.
 */
export function createParquetPool(options: ParquetPoolOptions = {}): ParquetPool {
  const size = Math.max(1, Math.floor(options.workers ?? availableParallelism()));
  const url = options.workerUrl ?? resolveWorkerUrl();
  const maxWasmBytes = options.maxWasmBytes ?? DEFAULT_MAX_WASM_BYTES;
  let nextId = 1;
  let closed = false;
  let recycled = 0;

  const spawn = (): Slot => {
    const slot: Slot = {
      worker: new Worker(url, { workerData: { niceness: options.niceness ?? 10 } }),
      pending: new Map(),
      memory: NOTHING_REPORTED,
      retiring: false,
    };
    slot.worker.unref();
    slot.worker.on('message', (msg: WorkerResponse) => {
      slot.memory = msg.memory;
      const p = slot.pending.get(msg.id);
      if (p === undefined) return;
      slot.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.file);
      else p.reject(new DeltaError(msg.code as DeltaErrorCode, msg.message));
      if (maxWasmBytes > 0 && msg.memory.wasmBytes > maxWasmBytes) slot.retiring = true;
      if (slot.retiring && slot.pending.size === 0) recycle(slot);
      dispatch();
      if (slot.pending.size === 0) slot.worker.unref();
    });
    const fail = (err: DeltaError): void => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
    };
    slot.worker.on('error', (cause) => {
      fail(new DeltaError('ENCODE_FAILED', `a Parquet worker crashed: ${cause.message}`, { cause }));
    });
    slot.worker.on('exit', (code) => {
      fail(
        new DeltaError(
          closed ? 'POOL_CLOSED' : 'ENCODE_FAILED',
          closed ? 'the Parquet pool was closed' : `a Parquet worker exited with code ${code}`,
        ),
      );
      const i = slots.indexOf(slot);
      if (!closed && i >= 0) {
        slots[i] = spawn();
        dispatch();
      }
    });
    return slot;
  };
  /** Puts a fresh worker in the retiring one's place and stops it (it holds no file). */
  const recycle = (slot: Slot): void => {
    const i = slots.indexOf(slot);
    if (closed || i < 0) return;
    slots[i] = spawn();
    recycled++;
    void slot.worker.terminate();
  };
  const slots: Slot[] = Array.from({ length: size }, spawn);
  const queue: Queued[] = [];

  // Each worker holds at most IN_FLIGHT files: one encoding, one waiting in its port, so it never idles while
  // the main thread is busy, and a worker that finishes early takes the next file from the queue.
  function dispatch(): void {
    for (;;) {
      let slot: Slot | undefined;
      for (const s of slots)
        if (!s.retiring && (slot === undefined || s.pending.size < slot.pending.size)) slot = s;
      if (slot === undefined || slot.pending.size >= IN_FLIGHT) return;
      const next = queue.shift();
      if (next === undefined) return;
      const id = nextId++;
      slot.pending.set(id, next);
      slot.worker.ref();
      const message: WorkerRequest = { id, ...next.task };
      // IPC bytes that fill their own buffer are moved, not copied; shared batches are never copied.
      const buf = next.task.request?.ipc;
      const transfer = buf !== undefined && buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength;
      slot.worker.postMessage(message, transfer ? [buf.buffer as ArrayBuffer] : []);
    }
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const q of queue.splice(0)) q.reject(new DeltaError('POOL_CLOSED', 'the Parquet pool was closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  };

  const submit = (task: WorkerTask): Promise<PooledFile | undefined> => {
    if (closed) return Promise.reject(new DeltaError('POOL_CLOSED', 'the Parquet pool was closed'));
    return new Promise((resolve, reject) => {
      queue.push({ task, resolve, reject });
      dispatch();
    });
  };

  return {
    size,
    async encode(request, output) {
      return (await submit(output === undefined ? { request } : { request, output }))!;
    },
    async checkpoint(table, version) {
      await submit({ checkpoint: { storage: table, version } });
    },
    memory: () => slots.map((s) => s.memory),
    get recycled() {
      return recycled;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
