/**
 * The worker-thread entry of the Parquet pool: receives {@link EncodeRequest}s, answers with encoded files (or
 * writes them into the table's storage itself); and writes tables' checkpoints, so that neither runs on the
 * caller's thread.
 * Loaded from `dist/` by `createParquetPool` (worker threads need built JavaScript).
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { wasmMemory } from 'parquet-wasm';
import { isDeltaError } from '../errors.js';
import { writeCheckpoint } from '../log/checkpoint.js';
import { loadLogState } from '../log/log-reader.js';
import { reopenStorage } from '../storage/open-storage.js';
import type { Storage, StorageDescription } from '../storage/storage.js';
import { type EncodeRequest, encodeFile } from './encode-file.js';
import type {
  EncoderMemory,
  FileOutput,
  PooledFile,
  WorkerRequest,
  WorkerResponse,
} from './worker-messages.js';

/**
 * Lowers this thread's priority: on Linux a thread's own id (from `/proc/thread-self`) names it alone to
 * `setpriority`, so the process's other threads keep theirs. Best effort: elsewhere, or when refused, the
 * thread keeps the process's priority.
 */
function lowerPriority(niceness: number): void {
  if (niceness === 0) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, niceness);
  } catch {
    // Not Linux, or not permitted: encode at normal priority.
  }
}

lowerPriority((workerData as { niceness?: number } | null)?.niceness ?? 0);

/** The storages this worker has opened, by description: an object store's client (and its connections) is reused. */
const storages = new Map<string, Storage>();

function storageOf(description: StorageDescription): Storage {
  const key = JSON.stringify(description);
  let storage = storages.get(key);
  if (storage === undefined) {
    storage = reopenStorage(description);
    storages.set(key, storage);
  }
  return storage;
}

/** Encodes a data file; its bytes are written as `output` says (as that storage's `write` does), or sent back. */
async function encode(
  request: EncodeRequest,
  output: FileOutput | undefined,
): Promise<{ file: PooledFile; transfer: ArrayBuffer[] }> {
  const { parquet, stats, numRecords } = await encodeFile(request);
  const size = parquet.byteLength;
  if (output !== undefined) {
    await storageOf(output.storage).write(output.path, parquet);
    return { file: { parquet: undefined, size, stats, numRecords }, transfer: [] };
  }
  const whole = parquet.byteOffset === 0 && size === parquet.buffer.byteLength;
  return {
    file: { parquet, size, stats, numRecords },
    transfer: whole ? [parquet.buffer as ArrayBuffer] : [],
  };
}

/** Reads a table's log as of a version and writes its checkpoint (what `Table.append` asks every N commits). */
async function checkpoint(c: { storage: StorageDescription; version: number }): Promise<void> {
  const storage = storageOf(c.storage);
  await writeCheckpoint(storage, await loadLogState(storage, c.version));
}

/** What this thread holds now (sent with every answer). */
function memoryNow(): EncoderMemory {
  const heap = getHeapStatistics();
  return {
    wasmBytes: wasmMemory().buffer.byteLength,
    heapUsedBytes: heap.used_heap_size,
    heapTotalBytes: heap.total_heap_size,
    arrayBuffersBytes: process.memoryUsage().arrayBuffers,
  };
}

const port = parentPort;
if (port !== null) {
  port.on('message', (msg: WorkerRequest) => {
    const work = async (): Promise<{ file: PooledFile | undefined; transfer: ArrayBuffer[] }> => {
      if (msg.checkpoint === undefined) return encode(msg.request, msg.output);
      await checkpoint(msg.checkpoint);
      return { file: undefined, transfer: [] };
    };
    work().then(
      ({ file, transfer }) => {
        const response: WorkerResponse = { id: msg.id, memory: memoryNow(), ok: true, file };
        port.postMessage(response, transfer);
      },
      (err: unknown) => {
        const response: WorkerResponse = {
          id: msg.id,
          memory: memoryNow(),
          ok: false,
          code: isDeltaError(err) ? err.code : msg.checkpoint === undefined ? 'ENCODE_FAILED' : 'STORAGE',
          message: (err as Error).message ?? String(err),
        };
        port.postMessage(response);
      },
    );
  });
}
