/**
 * The write part of an append (as delta-rs separates writing data files from committing them): cuts the rows
 * into files, encodes each on the Parquet pool and stores it in the table's root. Nothing here touches the
 * log: the files are referenced only once the transaction part commits their `add` actions.
 */
import { randomUUID } from 'node:crypto';
import { Table as ArrowTable, type RecordBatch, tableToIPC } from 'apache-arrow';
import type { AddAction, MetadataAction } from '../log/actions.js';
import type { ParquetPool } from '../parquet/parquet-pool.js';
import { shareBatches } from '../parquet/shared-batches.js';
import type { ParquetWriteOptions } from '../parquet/writer-properties.js';
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
  const groups = planFiles(
    batches,
    fileTarget(batches, target.targetFileBytes ?? DEFAULT_TARGET_FILE_BYTES, pool.size),
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
