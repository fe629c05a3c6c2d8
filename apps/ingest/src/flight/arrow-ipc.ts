import { conformBatch, isDeltaError } from '@lakestream/delta';
import {
  CompressionType,
  Message,
  MessageHeader,
  RecordBatch,
  RecordBatchReader,
  type Schema,
} from 'apache-arrow';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import { IngestError } from '../errors.js';
import { tableArrowSchema } from '../stream/record-decoder.js';

const CONTINUATION = 0xffffffff;
const EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * Frames one IPC message as the Arrow IPC stream format writes it: `0xFFFFFFFF`, int32 metadata length
 * (padded to 8), the `Message` flatbuffer padded to 8 bytes, then the body.
 */
export function frameIpcMessage(header: Uint8Array, body: Uint8Array): Uint8Array {
  const padded = (header.length + 7) & ~7;
  const out = new Uint8Array(8 + padded + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, CONTINUATION, true);
  view.setInt32(4, padded, true);
  out.set(header, 8);
  out.set(body, 8 + padded);
  return out;
}

/** A complete IPC stream of the schema and one record batch (what the WAL keeps for an Arrow request). */
export function ipcStream(schemaFrame: Uint8Array, header: Uint8Array, body: Uint8Array): Uint8Array {
  const batch = frameIpcMessage(header, body);
  const out = new Uint8Array(schemaFrame.length + batch.length + EOS.length);
  out.set(schemaFrame, 0);
  out.set(batch, schemaFrame.length);
  out.set(EOS, schemaFrame.length + batch.length);
  return out;
}

function decodeMessage(header: Uint8Array, what: string): Message {
  if (header.length === 0) throw new IngestError('INVALID_ARGUMENT', `${what}: data_header is empty`);
  let msg: Message;
  try {
    msg = Message.decode(header);
  } catch (err) {
    throw notAMessage(what, err);
  }
  // apache-arrow does not verify the flatbuffer: garbage usually reads as header type NONE.
  const known = [MessageHeader.Schema, MessageHeader.RecordBatch, MessageHeader.DictionaryBatch];
  if (!known.includes(msg.headerType)) throw notAMessage(what, undefined);
  return msg;
}

function notAMessage(what: string, cause: unknown): IngestError {
  return new IngestError('INVALID_ARGUMENT', `${what}: data_header is not an Arrow IPC Message flatbuffer`, {
    cause,
  });
}

/**
 * Checks the first `FlightData` of a DoPut: an IPC `Schema` message whose fields fit the table (each
 * column converted as `conformBatch` would; a mismatch names the field). Returns the framed schema message.
 */
export function checkSchemaMessage(table: ProvisionedTable, header: Uint8Array): Uint8Array {
  const what = `table ${table.name}: the first FlightData`;
  const msg = decodeMessage(header, what);
  if (msg.headerType !== MessageHeader.Schema) {
    throw new IngestError(
      'INVALID_ARGUMENT',
      `${what} must carry the Arrow schema (an IPC Schema message), got ${MessageHeader[msg.headerType] ?? msg.headerType}`,
    );
  }
  let schema: Schema;
  try {
    schema = (msg as Message<MessageHeader.Schema>).header();
  } catch (err) {
    throw new IngestError('INVALID_ARGUMENT', `${what}: the Arrow schema does not decode`, { cause: err });
  }
  if (schema.dictionaries.size > 0) {
    throw new IngestError('INVALID_ARGUMENT', `${what}: dictionary-encoded columns are not supported`);
  }
  conform(new RecordBatch(schema, undefined), table, 'the Arrow schema does not fit the table');
  return frameIpcMessage(header, new Uint8Array(0));
}

/**
 * Checks a data `FlightData`: an uncompressed IPC `RecordBatch` message whose body is all there. apache-arrow
 * 21 decompresses only with a codec registered by the application, and the node ships none for LZ4_FRAME or
 * ZSTD, so a compressed batch is refused in words rather than mis-decoded.
 */
export function checkBatchMessage(
  table: ProvisionedTable,
  offset: bigint,
  header: Uint8Array,
  body: Uint8Array,
): void {
  const what = `table ${table.name}, offset ${offset}`;
  const msg = decodeMessage(header, what);
  if (msg.headerType !== MessageHeader.RecordBatch) {
    throw new IngestError(
      'INVALID_ARGUMENT',
      `${what}: expected an IPC RecordBatch message, got ${MessageHeader[msg.headerType] ?? msg.headerType}`,
    );
  }
  let compression: ReturnType<Message<MessageHeader.RecordBatch>['header']>['compression'];
  try {
    compression = (msg as Message<MessageHeader.RecordBatch>).header().compression;
  } catch (err) {
    throw notAMessage(what, err);
  }
  if (compression !== null) {
    const name = CompressionType[compression.type] ?? String(compression.type);
    throw new IngestError(
      'INVALID_ARGUMENT',
      `${what}: IPC compression ${name} is not supported; send uncompressed batches`,
    );
  }
  if (body.length < msg.bodyLength) {
    throw new IngestError(
      'INVALID_ARGUMENT',
      `${what}: data_body has ${body.length} bytes but the RecordBatch message declares ${msg.bodyLength}`,
    );
  }
}

/**
 * Decodes a logged IPC stream (schema + one record batch) into a batch with exactly the table's schema
 * (live, and again at recovery). Throws `IngestError('INVALID_ARGUMENT')` naming table, offset and field.
 */
export function decodeArrowRequest(table: ProvisionedTable, ipc: Uint8Array, offset: bigint): RecordBatch {
  const what = `table ${table.name}, offset ${offset}`;
  let batches: RecordBatch[];
  try {
    batches = RecordBatchReader.from(ipc).readAll();
  } catch (err) {
    const detail = err instanceof Error ? `: ${err.message}` : '';
    throw new IngestError('INVALID_ARGUMENT', `${what}: the Arrow record batch does not decode${detail}`, {
      cause: err,
    });
  }
  const batch = batches[0];
  if (batches.length !== 1 || batch === undefined) {
    throw new IngestError('INVALID_ARGUMENT', `${what}: expected one record batch, got ${batches.length}`);
  }
  return conform(batch, table, `offset ${offset}`);
}

function conform(batch: RecordBatch, table: ProvisionedTable, where: string): RecordBatch {
  try {
    return conformBatch(batch, tableArrowSchema(table));
  } catch (err) {
    if (isDeltaError(err)) {
      throw new IngestError('INVALID_ARGUMENT', `table ${table.name}, ${where}: ${err.message}`);
    }
    throw err;
  }
}
