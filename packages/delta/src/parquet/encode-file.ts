import { type Data, type RecordBatch, type Schema, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { DeltaError, isDeltaError } from '../errors.js';
import { parseJson } from '../json.js';
import { toArrowSchema } from '../schema/arrow-schema.js';
import { conformBatch } from '../schema/conform-batch.js';
import { type DeltaSchema, parseDeltaSchema } from '../schema/delta-schema.js';
import { computeFileStats } from '../stats/file-stats.js';
import { buildWriterProperties, type ParquetWriteOptions } from './writer-properties.js';

/** One data file to encode: the rows as an Arrow IPC stream plus what the table says about them. */
export interface EncodeRequest {
  /** Arrow IPC stream bytes of the file's record batches (any schema that conforms to the table's). */
  ipc: Uint8Array;
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
 * Conforms the batches to the table schema, computes the file statistics and writes parquet with
 * parquet-wasm. Pure and synchronous: runs inside a pool worker (or inline). Throws `DeltaError`
 * (`SCHEMA_MISMATCH` for data that does not fit, `ENCODE_FAILED` for parquet failures).
 */
export function encodeFile(req: EncodeRequest): EncodedFile {
  const { schema, arrowSchema } = schemasOf(req.schemaString);
  const input = tableFromIPC(req.ipc);
  const batches: RecordBatch[] = input.batches.map((b) => conformBatch(b, arrowSchema));
  // `conformBatch` re-wraps a batch that already fits under the table's schema object: same columns, so the
  // IPC bytes as received are what parquet-wasm reads (no second serialisation of the file).
  const unchanged = batches.every((b, i) => sameColumns(b.data, input.batches[i]?.data));
  const stats = computeFileStats(batches, schema, { numIndexedCols: req.numIndexedCols ?? 32 });
  try {
    const ipc = unchanged ? req.ipc : tableToIPC(new Table(arrowSchema, batches), 'stream');
    const parquet = writeParquet(
      WasmTable.fromIPCStream(ipc),
      buildWriterProperties(batches[0], req.parquet),
    );
    return { parquet, stats, numRecords: input.numRows };
  } catch (cause) {
    if (isDeltaError(cause)) throw cause;
    throw new DeltaError('ENCODE_FAILED', `parquet encoding failed: ${(cause as Error).message ?? cause}`, {
      cause,
    });
  }
}
