import { makeData, RecordBatch, type Schema, Struct, vectorFromArray } from 'apache-arrow';
import { transformParquetStream, Table as WasmTable } from 'parquet-wasm';
import { writeReusedIpc } from './reused-ipc.js';
import { buildWriterProperties, type ParquetWriteOptions } from './writer-properties.js';

/** Rows per row group of a streamed file unless `rowGroupRows` says otherwise: what the writer holds at once. */
export const STREAM_ROW_GROUP_ROWS = 65_536;

/** A batch of no rows with `schema`'s columns (nested ones too). */
function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => vectorFromArray([], f.type).data[0]!);
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }),
  );
}

/**
 * Encodes record batches of `schema`, as they come, into one Parquet file streamed as bytes (parquet-wasm's
 * `transformParquetStream`, with the data files' writer properties, the first batch naming the columns): the
 * writer holds at most one row group (`rowGroupRows`, default {@link STREAM_ROW_GROUP_ROWS}) and the bytes of
 * each leave as it is flushed, so a file of any size never sits whole in memory. No batches: a file of no rows
 * with the columns. Cancelling the stream stops pulling `batches`.
 */
export async function encodeParquetStream(
  schema: Schema,
  batches: AsyncIterable<RecordBatch>,
  options: ParquetWriteOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  // The table is freed at once: its batches hold their columns, and a table left to the garbage collector
  // keeps its copy of them in parquet-wasm's memory (which never shrinks) until a finalizer runs. The IPC
  // stream is read into wasm memory before anything else runs, so the thread's reused buffer can hold it.
  const toWasm = (batch: RecordBatch) => {
    const table = WasmTable.fromIPCStream(writeReusedIpc(batch.schema, [batch]));
    try {
      return table.recordBatches();
    } finally {
      table.free();
    }
  };
  const iterator = batches[Symbol.asyncIterator]();
  const head = await iterator.next();
  const first = head.done === true ? emptyBatch(schema) : head.value;
  let pending = toWasm(first);
  const wasmBatches = new ReadableStream({
    async pull(controller) {
      while (pending.length === 0) {
        const next = await iterator.next();
        if (next.done === true) {
          controller.close();
          return;
        }
        pending = toWasm(next.value);
      }
      controller.enqueue(pending.shift());
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  const properties = buildWriterProperties(first, {
    ...options,
    rowGroupRows: options.rowGroupRows ?? STREAM_ROW_GROUP_ROWS,
  });
  return (await transformParquetStream(wasmBatches, properties)) as ReadableStream<Uint8Array>;
}
