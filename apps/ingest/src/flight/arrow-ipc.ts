import { conformBatch, isDeltaError } from '@lakestream/delta';
import { Message, MessageHeader, RecordBatch, RecordBatchReader, type Schema } from 'apache-arrow';
import { IngestError } from '../base/errors.js';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import { tableArrowSchema } from '../decode/record-decoder.js';
import { MAX_DECOMPRESSION_FACTOR } from '../stream/abuse-limits.js';
import {
  BodyCompressionError,
  type CompressedBody,
  decompressRecordBatch,
  readCompressedBody,
} from './ipc-body-compression.js';

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
  const out = allocateIpcStream(schemaFrame, header, body.length);
  out.body.set(body);
  return out.stream;
}

/** `ipcStream` with the body left to be written: the stream and a view of its body. */
function allocateIpcStream(
  schemaFrame: Uint8Array,
  header: Uint8Array,
  bodyBytes: number,
): { stream: Uint8Array; body: Uint8Array } {
  const padded = (header.length + 7) & ~7;
  const batchAt = schemaFrame.length;
  const bodyAt = batchAt + 8 + padded;
  const stream = new Uint8Array(bodyAt + bodyBytes + EOS.length);
  const view = new DataView(stream.buffer);
  stream.set(schemaFrame, 0);
  view.setUint32(batchAt, CONTINUATION, true);
  view.setInt32(batchAt + 4, padded, true);
  stream.set(header, batchAt + 8);
  stream.set(EOS, bodyAt + bodyBytes);
  return { stream, body: stream.subarray(bodyAt, bodyAt + bodyBytes) };
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
 * Checks a data `FlightData`: an IPC `RecordBatch` message whose body is all there. A compressed one (LZ4_FRAME
 * or ZSTD) must lay out its buffers as the Arrow format says and declare at most `maxUncompressedBytes` in all
 * (see `MAX_DECOMPRESSION_FACTOR`), checked here, before anything is allocated for it; it is decompressed by
 * `decodeArrowRequest`. Throws `IngestError('INVALID_ARGUMENT')` naming table and offset.
 */
export function checkBatchMessage(
  table: ProvisionedTable,
  offset: bigint,
  header: Uint8Array,
  body: Uint8Array,
  maxUncompressedBytes: number,
): void {
  const what = `table ${table.name}, offset ${offset}`;
  const msg = decodeMessage(header, what);
  if (msg.headerType !== MessageHeader.RecordBatch) {
    throw new IngestError(
      'INVALID_ARGUMENT',
      `${what}: expected an IPC RecordBatch message, got ${MessageHeader[msg.headerType] ?? msg.headerType}`,
    );
  }
  if (body.length < msg.bodyLength) {
    throw new IngestError(
      'INVALID_ARGUMENT',
      `${what}: data_body has ${body.length} bytes but the RecordBatch message declares ${msg.bodyLength}`,
    );
  }
  compressedBodyOf(msg as Message<MessageHeader.RecordBatch>, body, what, maxUncompressedBytes);
}

/** The compressed body of a record batch message, checked; `undefined` when the batch is not compressed. */
function compressedBodyOf(
  msg: Message<MessageHeader.RecordBatch>,
  body: Uint8Array,
  what: string,
  maxUncompressedBytes: number,
): CompressedBody | undefined {
  let header: ReturnType<Message<MessageHeader.RecordBatch>['header']>;
  try {
    header = msg.header();
  } catch (err) {
    throw notAMessage(what, err);
  }
  if (header.compression === null) return undefined;
  try {
    return readCompressedBody(header, body.subarray(0, msg.bodyLength), maxUncompressedBytes);
  } catch (err) {
    throw compressionRefused(what, err);
  }
}

function compressionRefused(what: string, err: unknown): unknown {
  if (!(err instanceof BodyCompressionError)) return err;
  const todo = {
    LIMIT: `send smaller record batches (at most ${MAX_DECOMPRESSION_FACTOR} × the node's request size limit uncompressed)`,
    UNSUPPORTED: 'send uncompressed batches, or compress them with LZ4_FRAME or ZSTD',
    CORRUPT:
      "the compressed batch is corrupt: check the producer's Arrow IPC writer, or send uncompressed batches",
  }[err.kind];
  return new IngestError('INVALID_ARGUMENT', `${what}: ${err.message}; ${todo}`, { cause: err });
}

/**
 * Decodes a logged IPC stream (schema + one record batch) into a batch with exactly the table's schema
 * (live, and again at recovery). Throws `IngestError('INVALID_ARGUMENT')` naming table, offset and field.
 */
export function decodeArrowRequest(table: ProvisionedTable, ipc: Uint8Array, offset: bigint): RecordBatch {
  const what = `table ${table.name}, offset ${offset}`;
  let batches: RecordBatch[];
  try {
    batches = RecordBatchReader.from(decompressed(ipc, what)).readAll();
  } catch (err) {
    if (err instanceof IngestError) throw err;
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

/**
 * The logged IPC stream with its record batch decompressed, or `ipc` itself when the batch is not compressed.
 * The size bound was applied when the request arrived (`checkBatchMessage`); a logged batch is decoded as it
 * was accepted, whatever the node's limits are now.
 */
function decompressed(ipc: Uint8Array, what: string): Uint8Array {
  const schema = readFrame(ipc, 0);
  const batch = readFrame(ipc, schema.end);
  const msg = Message.decode(batch.metadata);
  if (msg.headerType !== MessageHeader.RecordBatch) return ipc;
  const rb = msg as Message<MessageHeader.RecordBatch>;
  const body = ipc.subarray(batch.end, batch.end + rb.bodyLength);
  const compressed = compressedBodyOf(rb, body, what, Number.MAX_SAFE_INTEGER);
  if (compressed === undefined) return ipc;
  let stream = ipc;
  try {
    decompressRecordBatch(rb, compressed, (header, bodyBytes) => {
      const out = allocateIpcStream(ipc.subarray(0, schema.end), header, bodyBytes);
      stream = out.stream;
      return out.body;
    });
  } catch (err) {
    throw compressionRefused(what, err);
  }
  return stream;
}

/** One framed IPC message's metadata flatbuffer and where its body starts (see `frameIpcMessage`). */
function readFrame(ipc: Uint8Array, at: number): { metadata: Uint8Array; end: number } {
  const view = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength);
  if (at + 8 > ipc.length || view.getUint32(at, true) !== CONTINUATION) {
    throw new Error(`no IPC message at byte ${at}`);
  }
  const length = view.getInt32(at + 4, true);
  if (length <= 0 || at + 8 + length > ipc.length)
    throw new Error(`an IPC message at byte ${at} is cut short`);
  return { metadata: ipc.subarray(at + 8, at + 8 + length), end: at + 8 + length };
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
