/**
 * How an append's rows are cut into data files: about `targetFileBytes` of Arrow data each, and enough files
 * to keep every encoder thread busy. Pure planning: nothing is encoded or written here.
 */
import type { RecordBatch } from 'apache-arrow';
import { dataBytes } from '../parquet/data-bytes.js';

/** Below this many Arrow bytes per file, an append is not split to keep more encoder threads busy. */
const MIN_PARALLEL_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Arrow bytes per data file for one append: at most `target`, and small enough that every encoder thread of
 * the pool gets a file once the append is big enough (a streaming publisher commits every second or so, well
 * under the 128 MiB target: one file per commit would leave all but one worker idle).
 */
export function fileTarget(batches: readonly RecordBatch[], target: number, workers: number): number {
  let total = 0;
  for (const batch of batches) total += dataBytes(batch.data);
  const perWorker = Math.ceil(total / Math.max(1, workers));
  return Math.min(target, Math.max(MIN_PARALLEL_FILE_BYTES, perWorker));
}

/** Groups batches into files of about `target` Arrow bytes, slicing batches larger than that. */
export function planFiles(batches: readonly RecordBatch[], target: number): RecordBatch[][] {
  const files: RecordBatch[][] = [];
  let current: RecordBatch[] = [];
  let bytes = 0;
  for (const batch of batches) {
    if (batch.numRows === 0) continue;
    const size = dataBytes(batch.data);
    const pieces = Math.max(1, Math.ceil(size / target));
    const rowsPer = Math.ceil(batch.numRows / pieces);
    for (let start = 0; start < batch.numRows; start += rowsPer) {
      const piece = pieces === 1 ? batch : batch.slice(start, start + rowsPer);
      const pieceBytes = size / pieces;
      if (current.length > 0 && bytes + pieceBytes > target) {
        files.push(current);
        current = [];
        bytes = 0;
      }
      current.push(piece);
      bytes += pieceBytes;
    }
  }
  if (current.length > 0) files.push(current);
  return files;
}
