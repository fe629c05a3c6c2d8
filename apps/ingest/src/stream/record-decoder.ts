import { conformBatch, isDeltaError, parseDeltaSchema, toArrowSchema } from '@lakestream/delta';
import {
  createJsonParser,
  createParser,
  DecodeError,
  type Parser,
  SchemaError,
  type TableStruct,
} from '@lakestream/zeroparser';
import type { RecordBatch, Schema } from 'apache-arrow';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import { IngestError } from '../errors.js';
import { jsonRecordText, type RecordFormat } from '../grpc/decode-request.js';

/**
 * Turns one request's records into an Arrow batch with exactly the table's schema, or throws
 * `IngestError('INVALID_ARGUMENT')` saying table, offset, record, field and byte. Validation is complete at
 * receive time (decoding, UTF-8, NOT NULL columns, types), so an acked record can always be published.
 */
export interface RecordDecoder {
  readonly format: RecordFormat;
  decode(records: readonly Uint8Array[], offset: bigint): DecodedRecords;
}

/** A request's decoded rows, and how to give their memory back. */
export interface DecodedRecords {
  readonly batch: RecordBatch;
  /**
   * Returns the batch's buffers to its parser for the next requests (PROTO: zeroparser leases); call once the
   * rows are published. The batch must not be read afterwards. A no-op for other formats.
   */
  readonly release: () => void;
}

const keep = (): void => undefined;

/** Rows whose memory is not reused (JSON, Arrow): releasing them does nothing. */
export function unleased(batch: RecordBatch): DecodedRecords {
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
    schema = toArrowSchema(parseDeltaSchema(JSON.parse(JSON.stringify(table.schema))));
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
        tableSchema: table.schema as TableStruct,
        maxRecordBytes: limits.maxRecordBytes,
        // Batches in shared memory reach the Parquet encoder threads without being serialised or copied on
        // this thread (the main thread is the node's busiest).
        sharedMemory: true,
        leasePool: LEASE_POOL,
      });
    } catch (err) {
      if (err instanceof SchemaError) {
        throw new IngestError(
          'INVALID_ARGUMENT',
          `table ${name}: the descriptor does not fit the table${err.fieldPath === '' ? '' : ` at field '${err.fieldPath}'`}: ${err.detail} (${err.code})`,
        );
      }
      throw err;
    }
    refuseUnfillableColumns(parser, target, name);
    return {
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
    };
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
  return {
    format,
    decode(records, offset) {
      const texts = records.map((r, i) =>
        jsonRecordText(r, `table ${name}, offset ${offset}, record ${i}: the JSON record`),
      );
      return unleased(
        conform(
          wrap(() => parser.decodeBatch(texts), name, offset),
          target,
          name,
          offset,
        ),
      );
    },
  };
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
