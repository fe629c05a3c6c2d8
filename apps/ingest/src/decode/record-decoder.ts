import { conformBatch, isDeltaError, toArrowSchema } from '@lakestream/delta';
import {
  createJsonParser,
  createParser,
  DecodeError,
  type Parser,
  SchemaError,
} from '@lakestream/zeroparser';
import type { RecordBatch, Schema } from 'apache-arrow';
import { IngestError } from '../base/errors.js';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import { PackArena, type PackedRows, type PackedRowsDecoder, packRecords } from '../publish/packed-rows.js';
import { checkJsonRecordUtf8, type RecordFormat, splitRecordsMessage } from '../zerobus/decode-request.js';

/**
 * Turns one request's records into an Arrow batch with exactly the table's schema, or throws
 * `IngestError('INVALID_ARGUMENT')` saying table, offset, record, field and byte. Validation is complete at
 * receive time (decoding, UTF-8, NOT NULL columns, types), so an acked record can always be published.
 */
export interface RecordDecoder extends PackedRowsDecoder {
  readonly format: RecordFormat;
  decode(records: readonly Uint8Array[], offset: bigint): DecodedRecords<RecordBatch>;
  /**
   * What the node keeps of a request until its rows are published: `decode`'s batch, or — for fewer than
   * {@link PACK_BELOW_ROWS} records — the records packed (`PackedRows`), once `decode` validated them (its
   * batch's memory is given back at once; the commit decodes them again with `decodePacked`). Throws what
   * `decode` throws.
   */
  keep(records: readonly Uint8Array[], offset: bigint): DecodedRecords;
}

/**
 * Requests of fewer records are kept packed until published (see `PackedRows`): below a few hundred rows a
 * decoded batch is mostly its fixed cost (zeroparser's arena is sized for a 256-row tile at least, plus ~1 KiB
 * of objects per column), and decoding the records a second time at commit costs ~1 ms per MB.
 */
const PACK_BELOW_ROWS = 256;

/** A request's rows (decoded, or packed: see `RecordDecoder.keep`), and how to give their memory back. */
export interface DecodedRecords<Rows extends RecordBatch | PackedRows = RecordBatch | PackedRows> {
  readonly batch: Rows;
  /**
   * Returns the batch's buffers to its parser for the next requests (PROTO: zeroparser leases); call once the
   * rows are published. The batch must not be read afterwards. A no-op for other formats.
   */
  readonly release: () => void;
}

const keep = (): void => undefined;

/** Rows whose memory is not reused (JSON, Arrow): releasing them does nothing. */
export function unleased<Rows extends RecordBatch | PackedRows>(batch: Rows): DecodedRecords<Rows> {
  return { batch, release: keep };
}

/**
 * Released batches' buffers each PROTO parser keeps for reuse: a commit publishes (and releases) many requests
 * at once, and the next requests decode into their memory instead of new allocations. At most this many
 * batches' worth of memory (about 1.2 MB for 1,000 NEOWISE-like records) per descriptor in use.
 */
const LEASE_POOL = 32;

const arrowSchemas = new WeakMap<object, Schema>();

/** The table's Arrow schema (cached per schema object). */
export function tableArrowSchema(table: ProvisionedTable): Schema {
  let schema = arrowSchemas.get(table.schema);
  if (schema === undefined) {
    schema = toArrowSchema(table.schema);
    arrowSchemas.set(table.schema, schema);
  }
  return schema;
}

/**
 * Compiles the decoder of a stream: PROTO needs the stream's descriptor (checked against the table: a
 * `SchemaError` becomes INVALID_ARGUMENT naming the field and why), JSON uses the table's columns.
 */
export function createRecordDecoder(
  table: ProvisionedTable,
  format: RecordFormat,
  descriptor: Uint8Array | undefined,
  limits: { maxRecordBytes: number },
): RecordDecoder {
  const target = tableArrowSchema(table);
  const name = table.name;
  if (format === 'proto') {
    if (descriptor === undefined || descriptor.length === 0) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${name}: record_type PROTO needs create_stream.descriptor_proto (a serialized DescriptorProto)`,
      );
    }
    let parser: Parser;
    try {
      parser = createParser(descriptor, {
        tableSchema: table.schema,
        maxRecordBytes: limits.maxRecordBytes,
        // Batches in shared memory reach the Parquet encoder threads without being serialised or copied on
        // this thread (the main thread is the node's busiest).
        sharedMemory: true,
        leasePool: LEASE_POOL,
      });
    } catch (err) {
      if (err instanceof SchemaError) {
        // A column added to the table reaches each node with the catalog's next push: until then, a
        // descriptor carrying it is refused like any unknown field, saying so.
        const hint =
          err.code === 'UNKNOWN_COLUMN'
            ? `; if that column was just added to the table, this node has not received the new schema yet (it comes with the next catalog push, within seconds): open the stream again then`
            : '';
        throw new IngestError(
          'INVALID_ARGUMENT',
          `table ${name}: the descriptor does not fit the table${err.fieldPath === '' ? '' : ` at field '${err.fieldPath}'`}: ${err.detail}${hint} (${err.code})`,
        );
      }
      throw err;
    }
    refuseUnfillableColumns(parser, target, name);
    const arena = new PackArena();
    const decoder: RecordDecoder = {
      format,
      decode(records, offset) {
        const lease = wrap(() => parser.decodeBatchLeased(records), name, offset);
        try {
          return { batch: conform(lease.batch, target, name, offset), release: lease.release };
        } catch (err) {
          lease.release();
          throw err;
        }
      },
      keep: (records, offset) => keepRecords(decoder, arena, records, offset),
      decodePacked(parts) {
        return conform(parser.decodeBatch(unpack(parts)), target, name, -1n);
      },
    };
    return decoder;
  }
  let parser: ReturnType<typeof createJsonParser>;
  try {
    parser = createJsonParser(target, { maxRecordBytes: limits.maxRecordBytes });
  } catch (err) {
    if (err instanceof SchemaError) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${name}: JSON records cannot fill column '${err.fieldPath}': ${err.detail}; use record_type PROTO`,
      );
    }
    throw err;
  }
  // Every record's UTF-8 is checked before any is decoded, so a bad one is reported first, as it always was.
  const checkUtf8 = (records: readonly Uint8Array[], offset: bigint): readonly Uint8Array[] => {
    for (let i = 0; i < records.length; i++) {
      checkJsonRecordUtf8(records[i]!, `table ${name}, offset ${offset}, record ${i}: the JSON record`);
    }
    return records;
  };
  const arena = new PackArena();
  const decoder: RecordDecoder = {
    format,
    decode(records, offset) {
      return unleased(
        conform(
          wrap(() => parser.decodeBatchBytes(checkUtf8(records, offset)), name, offset),
          target,
          name,
          offset,
        ),
      );
    },
    keep: (records, offset) => keepRecords(decoder, arena, records, offset),
    decodePacked(parts) {
      return conform(parser.decodeBatchBytes(checkUtf8(unpack(parts), -1n)), target, name, -1n);
    },
  };
  return decoder;
}

/** `RecordDecoder.keep` over the decoder's own `decode` (packing into the decoder's `arena`). */
function keepRecords(
  decoder: RecordDecoder,
  arena: PackArena,
  records: readonly Uint8Array[],
  offset: bigint,
): DecodedRecords {
  const decoded = decoder.decode(records, offset);
  if (records.length >= PACK_BELOW_ROWS) return decoded;
  decoded.release();
  return unleased(packRecords(records, decoder, arena));
}

/** The records of packed requests, in order. */
function unpack(parts: readonly PackedRows[]): Uint8Array[] {
  const records: Uint8Array[] = [];
  for (const p of parts) {
    if (p.numRows === 1) records.push(p.bytes);
    else for (const r of splitRecordsMessage(p.bytes).records) records.push(r);
  }
  return records;
}

/**
 * Refuses a descriptor whose batches the table would refuse whatever the records hold: one with no field for
 * a NOT NULL column (the parser leaves a column it has no field for null; at any depth, in a struct too). The
 * table's own rule (`conformBatch`) runs once on a batch of no rows, so create_stream says it, naming the
 * column, instead of every request failing later.
 */
function refuseUnfillableColumns(parser: Parser, target: Schema, table: string): void {
  try {
    conformBatch(parser.decodeBatch([]), target);
  } catch (err) {
    if (!isDeltaError(err)) throw err;
    throw new IngestError(
      'INVALID_ARGUMENT',
      `table ${table}: the descriptor does not fit the table: ${err.message}; every record would be refused: give the message a field for each NOT NULL column (field number = column position + 1)`,
    );
  }
}

function wrap<T>(decode: () => T, table: string, offset: bigint): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof DecodeError) {
      const field = err.fieldPath === '' ? '' : `, field ${err.fieldPath}`;
      const at = err.byteOffset >= 0 ? ` at byte ${err.byteOffset}` : '';
      throw new IngestError(
        'INVALID_ARGUMENT',
        `table ${table}, offset ${offset}, record ${err.recordIndex}${field}${at}: ${err.detail} (${err.code})`,
      );
    }
    throw err;
  }
}

function conform(batch: RecordBatch, target: Schema, table: string, offset: bigint): RecordBatch {
  try {
    return conformBatch(batch, target);
  } catch (err) {
    if (isDeltaError(err))
      throw new IngestError('INVALID_ARGUMENT', `table ${table}, offset ${offset}: ${err.message}`);
    throw err;
  }
}
