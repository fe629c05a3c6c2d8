import type { Data, RecordBatch } from 'apache-arrow';
import { isPacked, PACKED_ROWS_OVERHEAD_BYTES, type PackedRows } from '../publish/packed-rows.js';

/**
 * JavaScript objects of a decoded batch besides its buffers: the `RecordBatch`, its schema, and per `Data` node
 * (a column, or a child of a nested one) the `Data`, its typed-array views, its field and metadata map. The
 * same for 1 or 1,000 rows. Measured (V8 heap growth per batch held, after a full GC, zeroparser batches
 * conformed to the table as the node keeps them): a 3-column table (4 `Data` nodes) 7.2 KB per batch, a
 * NEOWISE-like one (63 columns, 70 nodes) 75 KB: ~3 KB + ~1 KB per node, counted as 4 KiB + 1 KiB per node.
 */
const DECODED_BATCH_OVERHEAD_BYTES = 4096;
const DATA_NODE_OVERHEAD_BYTES = 1024;

/**
 * Bytes of memory a request's rows keep alive until published. A decoded batch: the sizes of the distinct
 * `ArrayBuffer`s behind its columns (each counted once, slack included; zeroparser decodes every batch into
 * arenas of its own, and a Flight batch is a view into its IPC bytes) plus its objects
 * ({@link DECODED_BATCH_OVERHEAD_BYTES}, {@link DATA_NODE_OVERHEAD_BYTES}). Packed rows: their bytes plus
 * `PACKED_ROWS_OVERHEAD_BYTES`.
 */
export function heldBytes(rows: RecordBatch | PackedRows): number {
  if (isPacked(rows)) return rows.bytes.length + PACKED_ROWS_OVERHEAD_BYTES;
  const seen = new Set<ArrayBufferLike>();
  let total = DECODED_BATCH_OVERHEAD_BYTES;
  const visit = (data: Data): void => {
    total += DATA_NODE_OVERHEAD_BYTES;
    for (const buffer of [data.valueOffsets, data.values, data.nullBitmap, data.typeIds]) {
      if (buffer === undefined || buffer === null || seen.has(buffer.buffer)) continue;
      seen.add(buffer.buffer);
      total += buffer.buffer.byteLength;
    }
    for (const child of data.children) visit(child);
    if (data.dictionary !== undefined) for (const d of data.dictionary.data) visit(d);
  };
  visit(rows.data);
  return total;
}
