/**
 * The worker-thread entry of the Parquet pool: receives {@link EncodeRequest}s, answers with encoded files.
 * Loaded from `dist/` by `createParquetPool` (worker threads need built JavaScript).
 */
import { parentPort } from 'node:worker_threads';
import { isDeltaError } from '../errors.js';
import { type EncodeRequest, encodeFile } from './encode-file.js';

/** A message to the worker. */
export interface WorkerRequest {
  id: number;
  request: EncodeRequest;
}

/** The worker's answer: the file, or the error's code and message. */
export type WorkerResponse =
  | { id: number; ok: true; parquet: Uint8Array; stats: string; numRecords: number }
  | { id: number; ok: false; code: string; message: string };

const port = parentPort;
if (port !== null) {
  port.on('message', (msg: WorkerRequest) => {
    try {
      const file = encodeFile(msg.request);
      const transfer =
        file.parquet.byteOffset === 0 && file.parquet.byteLength === file.parquet.buffer.byteLength;
      const response: WorkerResponse = { id: msg.id, ok: true, ...file };
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
