/**
 * The write part of an append (as delta-rs separates writing data files from committing them): cuts the rows
 * into files, encodes each on the Parquet pool and stores it in the table's root. Nothing here touches the
 * log: the files are referenced only once the transaction part commits their `add` actions.
 */
import { randomUUID } from 'node:crypto';
import { Table as ArrowTable, type RecordBatch, tableToIPC, util } from 'apache-arrow';
import { parseJson } from '../json.js';
import type { AddAction, MetadataAction } from '../log/actions.js';
import type { ParquetPool } from '../parquet/parquet-pool.js';
import { shareBatches } from '../parquet/shared-batches.js';
import type { ParquetWriteOptions } from '../parquet/writer-properties.js';
import { toArrowSchema } from '../schema/arrow-schema.js';
import { conformBatch } from '../schema/conform-batch.js';
import { parseDeltaSchema } from '../schema/delta-schema.js';
import type { Storage } from '../storage/storage.js';
import { fileTarget, planFiles } from './plan-files.js';

const DEFAULT_TARGET_FILE_BYTES = 128 * 1024 * 1024;

/** Where and how {@link writeDataFiles} writes. */
export interface WriteTarget {
  storage: Storage;
  pool: ParquetPool;
  /** The table's current metaData: its schema and `delta.dataSkippingNumIndexedCols` (default 32). */
  metadata: MetadataAction;
  parquet?: ParquetWriteOptions | undefined;
  /** Arrow bytes per data file (default 128 MiB). */
  targetFileBytes?: number | undefined;
}

/**
 * Encodes `batches` into new data files on the pool and writes them (by the encoder thread itself when the
 * storage has a `description` it can reopen there); returns their `add` actions, not yet committed. Rejects with the pool's `DeltaError`
 * (`SCHEMA_MISMATCH`, `ENCODE_FAILED`, `POOL_CLOSED`) or the storage's; files already written are then orphans,
 * which `removeOrphanFiles` collects.
 */
export async function writeDataFiles(
  batches: readonly RecordBatch[],
  target: WriteTarget,
): Promise<AddAction[]> {
  const { storage, pool, metadata } = target;
  const numIndexedCols = Number.parseInt(
    metadata.configuration['delta.dataSkippingNumIndexedCols'] ?? '32',
    10,
  );
  const codec = target.parquet?.compression ?? 'zstd';
  const batchesToWrite = sameSchemas(batches) ? batches : conformAll(batches, metadata);
  const groups = planFiles(
    batchesToWrite,
    fileTarget(batchesToWrite, target.targetFileBytes ?? DEFAULT_TARGET_FILE_BYTES, pool.size),
  );
  const commitId = randomUUID();
  return Promise.all(
    groups.map(async (group, index): Promise<AddAction> => {
      // Batches in shared memory go to the encoder as they are; others as an IPC stream.
      const shared = shareBatches(group);
      const rows = shared === undefined ? { ipc: tableToIPC(new ArrowTable(group), 'stream') } : { shared };
      const ext = codec === 'none' ? '' : `.${codec}`;
      const path = `part-${String(index).padStart(5, '0')}-${commitId}-c000${ext}.parquet`;
      const request = {
        ...rows,
        schemaString: metadata.schemaString,
        numIndexedCols: Number.isNaN(numIndexedCols) ? 32 : numIndexedCols,
        ...(target.parquet === undefined ? {} : { parquet: target.parquet }),
      };
      // The encoder thread writes the data file itself when it can open the storage (no bytes back to this one).
      const described = storage.description;
      const encoded = await pool.encode(
        request,
        described === undefined ? undefined : { storage: described, path },
      );
      if (encoded.parquet !== undefined) await storage.write(path, encoded.parquet);
      return {
        path,
        partitionValues: {},
        size: encoded.size,
        modificationTime: Date.now(),
        dataChange: true,
        stats: encoded.stats,
      };
    }),
  );
}

/** Deletes data files that no commit references (a duplicate append's); best effort, never rejects. */
export async function deleteDataFiles(storage: Storage, files: readonly AddAction[]): Promise<void> {
  await Promise.all(files.map((a) => storage.delete(a.path).catch(() => undefined)));
}

function sameSchemas(batches: readonly RecordBatch[]): boolean {
  const first = batches[0]?.schema;
  return batches.every((b) => b.schema === first || util.compareSchemas(b.schema, first!));
}

/**
 * Batches of different schemas (rows from writers before and after a column was added) conformed to the
 * table's, so that one file can hold them: a data file has one schema. Throws `SCHEMA_MISMATCH` as the
 * encoder would.
 */
function conformAll(batches: readonly RecordBatch[], metadata: MetadataAction): RecordBatch[] {
  const schema = toArrowSchema(parseDeltaSchema(parseJson(metadata.schemaString), 'log'));
  return batches.map((b) => conformBatch(b, schema));
}
