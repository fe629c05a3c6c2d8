/**
 * The Arrow IPC stream parquet-wasm reads, written into memory the encoder thread reuses from file to file.
 * `tableToIPC` joins its pieces into a fresh buffer the size of the file (tens of MB): fresh pages, each
 * faulted in by the kernel and given back when it is collected — per file, on both encoder threads at once.
 * Measured with the pool's two encoders on the node's 32 MB NEOWISE-like files (bench/README.md, "Parquet in
 * the node"): that buffer was most of the encoders' page faults.
 */
import { AsyncByteQueue, type RecordBatch, RecordBatchStreamWriter, type Schema } from 'apache-arrow';

/** This thread's buffer: it grows to the largest stream written and is kept. */
let scratch = new Uint8Array(0);

/** A writer sink that copies every piece into `scratch` instead of queueing it. */
class ScratchSink extends AsyncByteQueue {
  length = 0;

  override write(value: ArrayBufferView | ArrayBuffer | ArrayBufferLike | string): void {
    const piece = value as Uint8Array;
    const end = this.length + piece.byteLength;
    if (end > scratch.byteLength) {
      const grown = new Uint8Array(Math.max(end, Math.ceil(scratch.byteLength * 1.5)));
      grown.set(scratch.subarray(0, this.length));
      scratch = grown;
    }
    scratch.set(piece, this.length);
    this.length = end;
  }
}

/**
 * The IPC stream (schema, batches, end-of-stream marker) of `batches` under `schema`: the bytes `tableToIPC`
 * makes, as a view of this thread's reused buffer, valid until the next call on the thread. The buffer grows
 * to the largest stream written and stays (an encoder thread's memory, beside its wasm memory).
 */
export function writeReusedIpc(schema: Schema, batches: readonly RecordBatch[]): Uint8Array {
  const sink = new ScratchSink();
  const writer = new RecordBatchStreamWriter();
  writer.reset(sink, schema);
  for (const batch of batches) writer.write(batch);
  writer.finish();
  return scratch.subarray(0, sink.length);
}
