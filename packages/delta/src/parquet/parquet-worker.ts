/**
 * The worker-thread entry of the Parquet pool: receives {@link EncodeRequest}s, answers with encoded files.
 * Loaded from `dist/` by `createParquetPool` (worker threads need built JavaScript).
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { DeltaError, isDeltaError } from '../errors.js';
import { writeLocalFileSync } from '../storage/local-storage.js';
import { type EncodeRequest, encodeFile } from './encode-file.js';

/** A message to the worker. */
export interface WorkerRequest {
  id: number;
  request: EncodeRequest;
}

/** The worker's answer: the file (its bytes, unless it wrote them to the request's `output`), or the error. */
export type WorkerResponse =
  | { id: number; ok: true; parquet: Uint8Array | undefined; size: number; stats: string; numRecords: number }
  | { id: number; ok: false; code: string; message: string };

/** Writes the encoded file where the request says; a failure is a `STORAGE` error, as the storage's own. */
function writeOutput(output: NonNullable<EncodeRequest['output']>, parquet: Uint8Array): void {
  try {
    writeLocalFileSync(output.file, parquet, output.fsync);
  } catch (cause) {
    throw new DeltaError('STORAGE', `writing ${output.file} failed: ${(cause as Error).message}`, { cause });
  }
}

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

const port = parentPort;
if (port !== null) {
  port.on('message', (msg: WorkerRequest) => {
    try {
      const file = encodeFile(msg.request);
      const size = file.parquet.byteLength;
      if (msg.request.output !== undefined) {
        writeOutput(msg.request.output, file.parquet);
        const response: WorkerResponse = { id: msg.id, ok: true, ...file, parquet: undefined, size };
        port.postMessage(response);
        return;
      }
      const transfer = file.parquet.byteOffset === 0 && size === file.parquet.buffer.byteLength;
      const response: WorkerResponse = { id: msg.id, ok: true, ...file, size };
      port.postMessage(response, transfer ? [file.parquet.buffer as ArrayBuffer] : []);
    } catch (err) {
      const response: WorkerResponse = {
        id: msg.id,
        ok: false,
        code: isDeltaError(err) ? err.code : 'ENCODE_FAILED',
        message: (err as Error).message ?? String(err),
      };
      port.postMessage(response);
    }
  });
}
