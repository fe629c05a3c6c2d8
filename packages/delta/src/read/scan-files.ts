import { Field, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { DeltaError } from '../errors.js';
import type { AddAction } from '../log/actions.js';
import { toArrowType } from '../schema/arrow-schema.js';
import { conformBatch } from '../schema/conform-batch.js';
import type { DeltaSchema } from '../schema/delta-schema.js';
import type { Storage } from '../storage/storage.js';
import { partitionColumn } from './partition-values.js';

/** What a scan needs of a snapshot. */
export interface ScanSource {
  schema: DeltaSchema;
  arrowSchema: Schema;
  partitionColumns: readonly string[];
  files: readonly AddAction[];
}

/** The storage path of an `add.path` (a relative URI, percent-encoded). */
export function dataFilePath(addPath: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(addPath)) {
    throw new DeltaError('UNSUPPORTED_FEATURE', `absolute data file paths are not supported (${addPath})`);
  }
  return decodeURIComponent(addPath);
}

/** One data file's rows as batches with the table's Arrow schema (partition columns filled in). */
function fileBatches(
  bytes: Uint8Array,
  add: AddAction,
  source: ScanSource,
  limit: number | undefined,
): RecordBatch[] {
  const table = tableFromIPC(readParquet(bytes, limit === undefined ? null : { limit }).intoIPCStream());
  const partitionFields = source.schema.fields.filter((f) => source.partitionColumns.includes(f.name));
  return table.batches.map((batch) => {
    let withPartitions = batch;
    if (partitionFields.length > 0) {
      const fields = [...batch.schema.fields];
      const children = [...batch.data.children];
      for (const f of partitionFields) {
        fields.push(new Field(f.name, toArrowType(f.type, f.name), true));
        children.push(partitionColumn(f.type, add.partitionValues[f.name] ?? null, batch.numRows));
      }
      const data = makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children });
      withPartitions = new RecordBatch(new Schema(fields), data);
    }
    return conformBatch(withPartitions, source.arrowSchema, 'read');
  });
}

/**
 * Reads one listed data file's rows (all, or the first `limit`) as batches with the table's Arrow schema
 * (partition columns filled in, columns added later as nulls), or throws `CORRUPT_LOG` naming the file when
 * it is missing or unreadable. Readers that skip files by their `add.stats` read the rest one by one with it.
 */
export async function readDataFile(
  storage: Storage,
  source: ScanSource,
  add: AddAction,
  limit: number | undefined,
): Promise<RecordBatch[]> {
  const path = dataFilePath(add.path);
  const bytes = await storage.read(path);
  if (bytes === undefined) {
    throw new DeltaError('CORRUPT_LOG', `data file ${path} listed by table ${storage.location} is missing`);
  }
  try {
    return fileBatches(bytes, add, source, limit);
  } catch (cause) {
    if (cause instanceof DeltaError) throw cause;
    throw new DeltaError(
      'CORRUPT_LOG',
      `data file ${path} of table ${storage.location} is unreadable: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * Reads the rows of `source.files` (in log order) into one Arrow table with the table's schema, stopping after
 * `limit` rows. Files written before a column was added read it as nulls. Throws `CORRUPT_LOG` when a file the
 * log lists is missing or unreadable.
 */
export async function scanFiles(storage: Storage, source: ScanSource, limit?: number): Promise<Table> {
  const batches: RecordBatch[] = [];
  let remaining = limit ?? Number.POSITIVE_INFINITY;
  for (const add of source.files) {
    if (remaining <= 0) break;
    const read = await readDataFile(storage, source, add, Number.isFinite(remaining) ? remaining : undefined);
    for (const b of read) {
      if (remaining <= 0) break;
      const kept = b.numRows > remaining ? b.slice(0, remaining) : b;
      batches.push(kept);
      remaining -= kept.numRows;
    }
  }
  return new Table(source.arrowSchema, batches);
}

/**
 * The last `limit` rows of `source.files` in log order (oldest of them first), reading files from the newest
 * backwards and only as many as hold those rows. Same errors as {@link scanFiles}.
 */
export async function scanLastRows(storage: Storage, source: ScanSource, limit: number): Promise<Table> {
  const newestFirst: RecordBatch[] = [];
  let remaining = limit;
  for (let f = source.files.length - 1; f >= 0 && remaining > 0; f--) {
    const read = await readDataFile(storage, source, source.files[f]!, undefined);
    for (let b = read.length - 1; b >= 0 && remaining > 0; b--) {
      const batch = read[b]!;
      const kept = batch.numRows > remaining ? batch.slice(batch.numRows - remaining) : batch;
      newestFirst.push(kept);
      remaining -= kept.numRows;
    }
  }
  return new Table(source.arrowSchema, newestFirst.reverse());
}
