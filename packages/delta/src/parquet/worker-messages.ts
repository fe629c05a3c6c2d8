/**
 * The messages between the Parquet pool and its worker threads, in a module of their own so that neither side
 * imports the other (the worker is loaded as a script; the pool only posts to it).
 */
import type { StorageDescription } from '../storage/storage.js';
import type { EncodeRequest } from './encode-file.js';

/** An encoded data file: its bytes, or only its size when the worker wrote it (`encode`'s `output`). */
export interface PooledFile {
  parquet: Uint8Array | undefined;
  size: number;
  stats: string;
  numRecords: number;
}

/** A message to the worker: encode a data file, or write a table's checkpoint. */
export type WorkerRequest = { id: number } & WorkerTask;

/**
 * What the worker is asked to do: encode a data file (and, with `output`, write it into that storage at `path`
 * instead of sending its bytes back), or write the checkpoint of the table in `storage` as of `version`.
 */
export type WorkerTask =
  | { request: EncodeRequest; output?: FileOutput; checkpoint?: undefined }
  | { checkpoint: { storage: StorageDescription; version: number }; request?: undefined };

/** Where a worker writes the data file it encodes: `path` in the storage `storage` describes. */
export interface FileOutput {
  storage: StorageDescription;
  path: string;
}

/**
 * What one encoder thread holds, as it reported after its latest task: parquet-wasm's linear memory (it grows
 * to the largest file encoded so far and never shrinks) and the thread's own V8 heap and `ArrayBuffer`s.
 */
export interface EncoderMemory {
  /** parquet-wasm's `WebAssembly.Memory` size, bytes. */
  wasmBytes: number;
  /** The thread's V8 heap in use, bytes. */
  heapUsedBytes: number;
  /** The thread's V8 heap as reserved (what it takes of the RSS), bytes. */
  heapTotalBytes: number;
  /** `ArrayBuffer`s the thread allocated (shared memory it was sent is the sender's), bytes. */
  arrayBuffersBytes: number;
}

/**
 * The worker's answer: the encoded file (none for a checkpoint), or the error's code and message; either way
 * what the thread holds afterwards.
 */
export type WorkerResponse = { id: number; memory: EncoderMemory } & (
  | { ok: true; file: PooledFile | undefined }
  | { ok: false; code: string; message: string }
);
