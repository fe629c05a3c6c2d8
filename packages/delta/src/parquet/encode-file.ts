import { type Data, type RecordBatch, type Schema, tableFromIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { DeltaError, isDeltaError } from '../errors.js';
import { parseJson } from '../json.js';
import { toArrowSchema } from '../schema/arrow-schema.js';
import { conformBatch } from '../schema/conform-batch.js';
import { type DeltaSchema, parseDeltaSchema } from '../schema/delta-schema.js';
import { computeFileStats } from '../stats/file-stats.js';
import { writeReusedIpc } from './reused-ipc.js';
import { type SharedBatches, unshareBatches } from './shared-batches.js';
import { buildWriterProperties, type ParquetWriteOptions } from './writer-properties.js';

/** A data file's rows as an Arrow IPC stream. */
export interface IpcRows {
  /** Arrow IPC stream bytes of the file's record batches. */
  ipc: Uint8Array;
  shared?: undefined;
}

/** A data file's rows as record batches in shared memory (see `shareBatches`). */
export interface SharedRows {
  shared: SharedBatches;
  ipc?: undefined;
}

/**
 * One data file to encode: its rows (any schema that conforms to the table's), as an Arrow IPC stream or as
 * batches in shared memory, plus what the table says about them.
 */
export type EncodeRequest = EncodeSettings & (IpcRows | SharedRows);

/** What the table says about a data file's rows. */
export interface EncodeSettings {
  /** The table's `schemaString`. */
  schemaString: string;
  /** `delta.dataSkippingNumIndexedCols` (default 32). */
  numIndexedCols?: number;
  parquet?: ParquetWriteOptions;
}

/** An encoded data file: parquet bytes and the `add.stats` JSON string. */
export interface EncodedFile {
  parquet: Uint8Array;
  stats: string;
  numRecords: number;
}

const schemaCache = new Map<string, { schema: DeltaSchema; arrowSchema: Schema }>();

function schemasOf(schemaString: string): { schema: DeltaSchema; arrowSchema: Schema } {
  let entry = schemaCache.get(schemaString);
  if (entry === undefined) {
    const schema = parseDeltaSchema(parseJson(schemaString), 'log');
    entry = { schema, arrowSchema: toArrowSchema(schema) };
    if (schemaCache.size > 64) schemaCache.clear();
    schemaCache.set(schemaString, entry);
  }
  return entry;
}

/** Whether two batches' struct data hold the very same column data. */
function sameColumns(a: Data, b: Data | undefined): boolean {
  return (
    a === b ||
    (b !== undefined &&
      a.length === b.length &&
      a.offset === b.offset &&
      a.children.length === b.children.length &&
      a.children.every((c, i) => c === b.children[i]))
  );
}

/**
 * The steps of {@link encodeFile} in order, as its `observe` callback hears them (each once, when done):
 * `input` (the batches out of shared memory or the IPC stream), `conform` (to the table's Arrow schema),
 * `stats` (`add.stats`), `ipc` (the IPC stream parquet-wasm reads), `wasm-read` (that stream read into wasm
 * memory), `parquet` (the file written and copied out of wasm memory).
 */
export type EncodeStep = 'input' | 'conform' | 'stats' | 'ipc' | 'wasm-read' | 'parquet';

/**
 * Conforms the batches to the table schema, computes the file statistics and writes parquet with
 * parquet-wasm. Pure and synchronous: runs inside a pool worker (or inline). Throws `DeltaError`
 * (`SCHEMA_MISMATCH` for data that does not fit, `ENCODE_FAILED` for parquet failures). `observe` hears each
 * step as it ends (a benchmark's per-step clock; see `EncodeStep`).
 */
export function encodeFile(req: EncodeRequest, observe?: (step: EncodeStep) => void): EncodedFile {
  const { schema, arrowSchema } = schemasOf(req.schemaString);
  const input = req.ipc === undefined ? unshareBatches(req.shared) : tableFromIPC(req.ipc).batches;
  observe?.('input');
  const batches: RecordBatch[] = input.map((b) => conformBatch(b, arrowSchema));
  // `conformBatch` re-wraps a batch that already fits under the table's schema object: same columns, so the
  // IPC bytes as received are what parquet-wasm reads (no second serialisation of the file).
  const unchanged = batches.every((b, i) => sameColumns(b.data, input[i]?.data));
  observe?.('conform');
  const stats = computeFileStats(batches, schema, { numIndexedCols: req.numIndexedCols ?? 32 });
  observe?.('stats');
  try {
    const ipc = unchanged && req.ipc !== undefined ? req.ipc : writeReusedIpc(arrowSchema, batches);
    observe?.('ipc');
    const table = WasmTable.fromIPCStream(ipc);
    observe?.('wasm-read');
    const parquet = writeParquet(table, buildWriterProperties(batches[0], req.parquet));
    observe?.('parquet');
    return { parquet, stats, numRecords: batches.reduce((n, b) => n + b.numRows, 0) };
  } catch (cause) {
    if (isDeltaError(cause)) throw cause;
    throw new DeltaError('ENCODE_FAILED', `parquet encoding failed: ${(cause as Error).message ?? cause}`, {
      cause,
    });
  }
}
