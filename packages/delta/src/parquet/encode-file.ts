import { type Data, type RecordBatch, type Schema, tableFromIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { DeltaError, isDeltaError } from '../errors.js';
import { parseJson } from '../json.js';
import { toArrowSchema } from '../schema/arrow-schema.js';
import { conformBatch } from '../schema/conform-batch.js';
import { type DeltaSchema, parseDeltaSchema } from '../schema/delta-schema.js';
import { computeFileStats } from '../stats/file-stats.js';
import { dataBytes } from './data-bytes.js';
import { encodeParquetStream } from './parquet-stream.js';
import { writeReusedIpc } from './reused-ipc.js';
import { type SharedBatches, unshareBatches } from './shared-batches.js';
import {
  buildWriterProperties,
  DEFAULT_ROW_GROUP_BYTES,
  type ParquetWriteOptions,
} from './writer-properties.js';

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
 * memory), `parquet` (the file written and copied out of wasm memory). A file encoded a row group at a time
 * does `ipc` and `wasm-read` once per row group inside `parquet`, and reports only `parquet` for them.
 */
export type EncodeStep = 'input' | 'conform' | 'stats' | 'ipc' | 'wasm-read' | 'parquet';

/**
 * Conforms the batches to the table schema, computes the file statistics and writes parquet with
 * parquet-wasm: at once when the rows fit in one row group of `parquet.rowGroupBytes` (Arrow bytes), else a
 * row group at a time (`encodeParquetStream`), so that parquet-wasm's memory, which never shrinks, is bounded
 * by a row group rather than by the file. Runs inside a pool worker (or inline). Rejects with `DeltaError`
 * (`SCHEMA_MISMATCH` for data that does not fit, `ENCODE_FAILED` for parquet failures). `observe` hears each
 * step as it ends (a benchmark's per-step clock; see `EncodeStep`).
 */
export async function encodeFile(
  req: EncodeRequest,
  observe?: (step: EncodeStep) => void,
): Promise<EncodedFile> {
  const { schema, arrowSchema } = schemasOf(req.schemaString);
  const input = req.ipc === undefined ? unshareBatches(req.shared) : tableFromIPC(req.ipc).batches;
  observe?.('input');
  const batches: RecordBatch[] = input.map((b) => conformBatch(b, arrowSchema));
  observe?.('conform');
  const stats = computeFileStats(batches, schema, { numIndexedCols: req.numIndexedCols ?? 32 });
  observe?.('stats');
  const numRecords = batches.reduce((n, b) => n + b.numRows, 0);
  const groupRows = rowGroupRows(batches, numRecords, req.parquet);
  try {
    if (groupRows === undefined) {
      // `conformBatch` re-wraps a batch that already fits under the table's schema object: same columns, so
      // the IPC bytes as received are what parquet-wasm reads (no second serialisation of the file).
      const unchanged = batches.every((b, i) => sameColumns(b.data, input[i]?.data));
      const ipc = unchanged && req.ipc !== undefined ? req.ipc : writeReusedIpc(arrowSchema, batches);
      observe?.('ipc');
      const table = WasmTable.fromIPCStream(ipc);
      observe?.('wasm-read');
      const parquet = writeParquet(table, buildWriterProperties(batches[0], req.parquet));
      observe?.('parquet');
      return { parquet, stats, numRecords };
    }
    const stream = await encodeParquetStream(arrowSchema, slices(batches, groupRows), {
      ...req.parquet,
      rowGroupRows: groupRows,
    });
    const parquet = await concatChunks(stream);
    observe?.('parquet');
    return { parquet, stats, numRecords };
  } catch (cause) {
    if (isDeltaError(cause)) throw cause;
    throw new DeltaError('ENCODE_FAILED', `parquet encoding failed: ${(cause as Error).message ?? cause}`, {
      cause,
    });
  }
}

/**
 * Rows per row group for a file of `batches` under `options.rowGroupBytes`, or `undefined` when the file fits
 * in one (encoded at once). Never above `options.rowGroupRows`.
 */
function rowGroupRows(
  batches: readonly RecordBatch[],
  rows: number,
  options: ParquetWriteOptions | undefined,
): number | undefined {
  const limit = options?.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES;
  if (limit <= 0 || rows === 0) return undefined;
  let bytes = 0;
  for (const b of batches) bytes += dataBytes(b.data);
  if (bytes <= limit) return undefined;
  const perGroup = Math.max(1, Math.floor((rows * limit) / bytes));
  return Math.min(perGroup, options?.rowGroupRows ?? perGroup);
}

/** The batches, those longer than `rows` cut into slices of at most `rows` (views: nothing is copied). */
async function* slices(batches: readonly RecordBatch[], rows: number): AsyncGenerator<RecordBatch> {
  for (const batch of batches) {
    if (batch.numRows <= rows) yield batch;
    else for (let start = 0; start < batch.numRows; start += rows) yield batch.slice(start, start + rows);
  }
}

/** The bytes of a stream, in one array. */
async function concatChunks(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  // Node's ReadableStream is async-iterable; the DOM library's type (apps/web compiles this file) does not say so.
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
