import { requireUtf8, utf8, WireReader } from './wire-reader.js';

/** `RecordType` of the protocol: 0 is unspecified (refused), 1 PROTO, 2 JSON. */
export type RecordFormat = 'proto' | 'json';

/** `CreateIngestStreamRequest`, with absent fields left undefined. */
export interface CreateStreamRequest {
  readonly tableName: string | undefined;
  readonly descriptorProto: Uint8Array | undefined;
  /** The raw enum value (0 unspecified, 1 PROTO, 2 JSON, anything else unknown). */
  readonly recordType: number | undefined;
}

/** `ResumeIngestStreamRequest`. */
export interface ResumeStreamRequest {
  readonly streamId: string | undefined;
  readonly descriptorProto: Uint8Array | undefined;
  readonly recordType: number | undefined;
}

/**
 * `IngestRecordRequest` or `IngestRecordBatchRequest`: one offset, its records as views into the received
 * buffer (JSON records too: their UTF-8 is checked when decoded, so the error can name table and offset).
 */
export interface RecordsRequest {
  readonly offset: bigint | undefined;
  /** `undefined` when the request's oneof was empty. */
  readonly format: RecordFormat | undefined;
  readonly records: Uint8Array[];
  /** Bytes of the record payloads. */
  readonly bytes: number;
  /**
   * For a batch request: the batch message as received (`repeated bytes|string records = 1`, see
   * {@link splitRecordsMessage}), a view into the received buffer that the WAL logs in place.
   */
  readonly message?: Uint8Array;
}

/** One request of either bidi RPC, by payload. */
export type StreamRequest =
  | { readonly kind: 'create'; readonly create: CreateStreamRequest }
  | { readonly kind: 'resume'; readonly resume: ResumeStreamRequest }
  | { readonly kind: 'records'; readonly records: RecordsRequest; readonly size: number }
  | { readonly kind: 'empty'; readonly size: number };

/** `RetireStreamRequest`. */
export interface RetireRequest {
  readonly tableName: string | undefined;
  readonly streamId: string | undefined;
}

const EPHEMERAL = { create: 1, resume: -1, record: 2, batch: 3 } as const;
const PERSISTENT = { create: 1, resume: 2, record: 3, batch: 4 } as const;

/** Decodes an `EphemeralStreamRequest`. Throws `IngestError('INVALID_ARGUMENT')` for malformed bytes. */
export function decodeEphemeralRequest(buf: Uint8Array): StreamRequest {
  return decodeStreamRequest(buf, EPHEMERAL, false);
}

/** Decodes a `PersistentStreamRequest` (its `create_stream` wraps a `CreateIngestStreamRequest`). */
export function decodePersistentRequest(buf: Uint8Array): StreamRequest {
  return decodeStreamRequest(buf, PERSISTENT, true);
}

function decodeStreamRequest(
  buf: Uint8Array,
  fields: { create: number; resume: number; record: number; batch: number },
  wrappedCreate: boolean,
): StreamRequest {
  const r = new WireReader(buf);
  let result: StreamRequest = { kind: 'empty', size: buf.length };
  while (r.more()) {
    const tag = r.uint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (
      wireType !== 2 ||
      (field !== fields.create &&
        field !== fields.resume &&
        field !== fields.record &&
        field !== fields.batch)
    ) {
      r.skip(wireType);
      continue;
    }
    const body = r.bytes();
    // A oneof: the last member on the wire wins.
    if (field === fields.create) {
      result = { kind: 'create', create: wrappedCreate ? decodePersistentCreate(body) : decodeCreate(body) };
    } else if (field === fields.resume) {
      result = { kind: 'resume', resume: decodeResume(body) };
    } else if (field === fields.record) {
      result = { kind: 'records', records: decodeRecord(body), size: buf.length };
    } else {
      result = { kind: 'records', records: decodeBatch(body), size: buf.length };
    }
  }
  return result;
}

function decodeCreate(buf: Uint8Array): CreateStreamRequest {
  const r = new WireReader(buf);
  let tableName: string | undefined;
  let descriptorProto: Uint8Array | undefined;
  let recordType: number | undefined;
  while (r.more()) {
    const tag = r.uint();
    if (tag === (1 << 3) + 2) tableName = utf8(r.bytes(), 'create_stream.table_name');
    else if (tag === (3 << 3) + 2) descriptorProto = r.bytes();
    else if (tag === 4 << 3) recordType = r.uint();
    else r.skip(tag & 7);
  }
  return { tableName, descriptorProto, recordType };
}

function decodePersistentCreate(buf: Uint8Array): CreateStreamRequest {
  const r = new WireReader(buf);
  let create: CreateStreamRequest = {
    tableName: undefined,
    descriptorProto: undefined,
    recordType: undefined,
  };
  while (r.more()) {
    const tag = r.uint();
    if (tag === (1 << 3) + 2) create = decodeCreate(r.bytes());
    else r.skip(tag & 7);
  }
  return create;
}

function decodeResume(buf: Uint8Array): ResumeStreamRequest {
  const r = new WireReader(buf);
  let streamId: string | undefined;
  let descriptorProto: Uint8Array | undefined;
  let recordType: number | undefined;
  while (r.more()) {
    const tag = r.uint();
    if (tag === (1 << 3) + 2) streamId = utf8(r.bytes(), 'resume_stream.stream_id');
    else if (tag === (2 << 3) + 2) descriptorProto = r.bytes();
    else if (tag === 3 << 3) recordType = r.uint();
    else r.skip(tag & 7);
  }
  return { streamId, descriptorProto, recordType };
}

function decodeRecord(buf: Uint8Array): RecordsRequest {
  const r = new WireReader(buf);
  let offset: bigint | undefined;
  let format: RecordFormat | undefined;
  let record: Uint8Array | undefined;
  while (r.more()) {
    const tag = r.uint();
    if (tag === 1 << 3) offset = r.int64();
    else if (tag === (2 << 3) + 2) {
      format = 'proto';
      record = r.bytes();
    } else if (tag === (3 << 3) + 2) {
      format = 'json';
      record = r.bytes();
    } else r.skip(tag & 7);
  }
  const records = record === undefined ? [] : [record];
  return { offset, format, records, bytes: record?.length ?? 0 };
}

function decodeBatch(buf: Uint8Array): RecordsRequest {
  const r = new WireReader(buf);
  let offset: bigint | undefined;
  let format: RecordFormat | undefined;
  let message: Uint8Array | undefined;
  while (r.more()) {
    const tag = r.uint();
    if (tag === 1 << 3) offset = r.int64();
    else if (tag === (2 << 3) + 2 || tag === (3 << 3) + 2) {
      format = tag === (2 << 3) + 2 ? 'proto' : 'json';
      message = r.bytes();
    } else r.skip(tag & 7);
  }
  if (message === undefined) return { offset, format, records: [], bytes: 0 };
  return { offset, format, ...splitRecordsMessage(message), message };
}

/**
 * The records of a batch message — both batch messages of the protocol hold `repeated (bytes|string) records
 * = 1` — as views into `message`, and their total length; other fields are skipped. Throws
 * `IngestError('INVALID_ARGUMENT')` for malformed bytes.
 */
export function splitRecordsMessage(message: Uint8Array): { records: Uint8Array[]; bytes: number } {
  const records: Uint8Array[] = [];
  let bytes = 0;
  const r = new WireReader(message);
  while (r.more()) {
    const tag = r.uint();
    if (tag === (1 << 3) + 2) {
      const record = r.bytes();
      records.push(record);
      bytes += record.length;
    } else r.skip(tag & 7);
  }
  return { records, bytes };
}

/** Decodes a `RetireStreamRequest`. */
export function decodeRetireRequest(buf: Uint8Array): RetireRequest {
  const r = new WireReader(buf);
  let tableName: string | undefined;
  let streamId: string | undefined;
  while (r.more()) {
    const tag = r.uint();
    if (tag === (1 << 3) + 2) tableName = utf8(r.bytes(), 'table_name');
    else if (tag === (2 << 3) + 2) streamId = utf8(r.bytes(), 'stream_id');
    else r.skip(tag & 7);
  }
  return { tableName, streamId };
}

/**
 * Checks that JSON record bytes are strict UTF-8 (`what` names the record in the error); the JSON parser
 * then decodes them as they are.
 */
export function checkJsonRecordUtf8(record: Uint8Array, what: string): void {
  requireUtf8(record, what);
}
