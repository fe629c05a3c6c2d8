import type { AddAction, Snapshot, Storage } from '@lakestream/delta';
import type { RecordBatch, Vector } from 'apache-arrow';
import { readDataFile } from '../delta/delta';
import { exactVector } from '../delta/preview-cells';
import { type CompiledFilter, passes, rowKey } from './record-filter';
import { fileMayMatchAll } from './stats-skipping';

/** Where a row is in a version: its data file's index in {@link RecordScan.files} and its row in that file. */
export interface RowPosition {
  readonly file: number;
  readonly row: number;
}

/** A version's data files and which of them the filters' statistics rule out. */
export interface RecordScan {
  readonly storage: Storage;
  readonly snapshot: Snapshot;
  readonly filters: readonly CompiledFilter[];
  /**
   * The version's data files in a stable order: by modification time, then path. The order does not depend
   * on how the log was loaded (checkpoint or commits), so a position means the same row on every request.
   */
  readonly files: readonly AddAction[];
  /** Per file: false when its `add.stats` prove no row passes the filters. */
  readonly mayMatch: readonly boolean[];
  /** How many files the statistics ruled out. */
  readonly skippedByStats: number;
  /** Rows of the files still to read, from their statistics (null when one has none): an upper bound. */
  readonly candidateRows: number | null;
}

/** Matching rows of one Arrow batch of a data file, its columns read exactly (see `exactVector`). */
export interface MatchedBatch {
  /** The data file's index in {@link RecordScan.files}. */
  readonly file: number;
  /** The row in the file of the batch's first row. */
  readonly firstRow: number;
  readonly batch: RecordBatch;
  /** Its columns in schema order through `exactVector` (null: absent). */
  readonly columns: readonly (Vector | null)[];
  /** The batch's rows that pass every filter and are at or after the scan's start, ascending. */
  readonly rows: readonly number[];
}

function numRecordsOf(add: AddAction): number | null {
  const n = add.stats === undefined ? undefined : /"numRecords":(\d+)/.exec(add.stats)?.[1];
  return n === undefined ? null : Number(n);
}

/** Plans a scan of `snapshot` under `filters`: the files in a stable order and which the statistics skip. */
export function planRecordScan(
  storage: Storage,
  snapshot: Snapshot,
  filters: readonly CompiledFilter[],
): RecordScan {
  const files = [...snapshot.files].sort(
    (a, b) => a.modificationTime - b.modificationTime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  const mayMatch = files.map((f) => fileMayMatchAll(filters, f.stats));
  let candidateRows: number | null = 0;
  files.forEach((f, i) => {
    if (!mayMatch[i]) return;
    const n = numRecordsOf(f);
    candidateRows = n === null || candidateRows === null ? null : candidateRows + n;
  });
  return {
    storage,
    snapshot,
    filters,
    files,
    mayMatch,
    skippedByStats: mayMatch.filter((m) => !m).length,
    candidateRows,
  };
}

/**
 * The matching rows from position `from` on, batch by batch, reading only the files the statistics leave (one
 * at a time, so memory holds one data file). `onFileRead` counts the files read. Throws delta's `CORRUPT_LOG`
 * for a listed file that is missing or unreadable.
 */
export async function* matchingBatches(
  scan: RecordScan,
  from: RowPosition = { file: 0, row: 0 },
  onFileRead: () => void = () => {},
): AsyncGenerator<MatchedBatch> {
  const fields = scan.snapshot.schema.fields;
  for (let file = from.file; file < scan.files.length; file++) {
    if (!scan.mayMatch[file]) continue;
    const batches = await readDataFile(scan.storage, scan.snapshot, scan.files[file]!, undefined);
    onFileRead();
    let firstRow = 0;
    for (const batch of batches) {
      const columns = fields.map((f) => {
        const vector = batch.getChild(f.name);
        return vector === null ? null : exactVector(vector);
      });
      const start = file === from.file ? Math.max(0, from.row - firstRow) : 0;
      const rows: number[] = [];
      for (let i = start; i < batch.numRows; i++) {
        if (scan.filters.every((f) => passes(f, rowKey(columns[f.index]?.get(i), f.kind)))) rows.push(i);
      }
      if (rows.length > 0) yield { file, firstRow, batch, columns, rows };
      firstRow += batch.numRows;
    }
  }
}
