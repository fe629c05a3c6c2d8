/**
 * @lakestream/delta — Delta Lake tables for streaming ingest: storage adapters, the Delta log (commit with
 * txn and conflict retry, checkpoints, snapshots, time travel), Parquet data files encoded in worker threads
 * with exact per-file statistics, a reader into Apache Arrow, and removal of what crashed writers leave behind.
 */
export { type DeletedTableFiles, deleteTableFiles } from './cleanup/delete-table-files.js';
export { createReferenceCache, type ReferenceCache } from './cleanup/log-references.js';
export {
  DEFAULT_ORPHAN_MIN_AGE_MS,
  type OrphanFilesReport,
  type RemovedFile,
  type RemoveOrphanFilesOptions,
  removeOrphanFiles,
} from './cleanup/orphan-files.js';
export { DeltaError, type DeltaErrorCode, isDeltaError } from './errors.js';
export { type JsonObject, type JsonValue, parseJson, stringifyJson } from './json.js';
export type {
  Action,
  AddAction,
  MetadataAction,
  ProtocolAction,
  RemoveAction,
  TxnAction,
} from './log/actions.js';
export { parseCommit, serializeCommit } from './log/actions.js';
export { checkpointPath, commitPath } from './log/log-paths.js';
export type { HistoryEntry } from './log/log-reader.js';
export {
  type EncodedFile,
  type EncodeRequest,
  type EncodeSettings,
  type EncodeStep,
  encodeFile,
  type IpcRows,
  type SharedRows,
} from './parquet/encode-file.js';
export {
  createParquetPool,
  DEFAULT_MAX_WASM_BYTES,
  type EncoderMemory,
  type ParquetPool,
  type ParquetPoolOptions,
  type PooledFile,
  resolveWorkerUrl,
} from './parquet/parquet-pool.js';
export { encodeParquetStream, STREAM_ROW_GROUP_ROWS } from './parquet/parquet-stream.js';
export { type SharedBatches, shareBatches, unshareBatches } from './parquet/shared-batches.js';
export {
  buildWriterProperties,
  DEFAULT_ROW_GROUP_BYTES,
  type ParquetWriteOptions,
} from './parquet/writer-properties.js';
export { readDataFile, type ScanSource } from './read/scan-files.js';
export { fromArrowSchema, fromArrowType, toArrowSchema, toArrowType } from './schema/arrow-schema.js';
export { conformBatch } from './schema/conform-batch.js';
export type {
  DeltaArrayType,
  DeltaMapType,
  DeltaSchema,
  DeltaStructField,
  DeltaStructType,
  DeltaType,
} from './schema/delta-schema.js';
export { parseDeltaSchema } from './schema/delta-schema.js';
export type { Snapshot } from './snapshot.js';
export { computeFileStats, type FileStatsOptions } from './stats/file-stats.js';
export { createAzureBlobStorage } from './storage/azure-blob-storage.js';
export { createLocalStorage, type LocalStorageOptions } from './storage/local-storage.js';
export { openStorage, reopenStorage } from './storage/open-storage.js';
export { createS3Storage } from './storage/s3-storage.js';
export type { ObjectInfo, Storage, StorageDescription, StorageOptions } from './storage/storage.js';
export {
  parseStorageLocation,
  resolveTableLocation,
  type StorageLocation,
} from './storage/storage-location.js';
export {
  type AppendOptions,
  type CommitOptions,
  type CommitResult,
  type CreateTableOptions,
  createTable,
  openTable,
  type ScanOptions,
  type Table,
  type TableOptions,
  type TxnId,
} from './table.js';
